// The analyze pipeline: load rules → read inputs (scanning logs on the way) → evaluate rules → build the Report.
import { loadConfig, type Config } from './config/index.js';
import { loadCatalog } from './catalog.js';
import { evaluate } from './engine/index.js';
import type { Bundle, InputFormat } from './model/bundle.js';
import { readInputs, type ReadBudget, type ReadProgress } from './readers/index.js';
import { createRedactor } from './redact/index.js';
import { buildReport } from './report/build.js';
import { troubleshootContext } from './report/context.js';
import type { Report } from './report/types.js';
import { TOOL_VERSION } from './version.js';

export interface AnalyzeOptions {
  /** Skip format detection and read every input as this format. */
  inputFormat?: InputFormat;
  /** Directories of vendor YAML rules, loaded after the built-in catalog. */
  rulesDirs?: string[];
  /** A --config file path, or an already loaded config (ignores, redaction patterns, budgets). */
  config?: string | Config;
  /** The clock that ages are measured against; defaults to the input's collection time, else the current time. */
  now?: Date;
  /** Limits for reading hostile input (decompressed bytes, file count, nesting depth). */
  budget?: Partial<ReadBudget>;
  /**
   * Called as the work goes on: bytes read (decompressed) while the inputs are read and their logs
   * scanned, then rules evaluated, then the report built. The CLI draws it on a terminal.
   */
  onProgress?: (progress: ReadProgress) => void;
}

/** Analyzes saved data offline. Never prints and never exits: errors are thrown as SnapshotDoctorError. */
export async function analyze(inputs: string | string[], options: AnalyzeOptions = {}): Promise<Report> {
  return (await analyzeWithBundle(inputs, options)).report;
}

/** analyze(), also returning the Bundle the Report was built from (diff reads the cluster's identity off it). */
export async function analyzeWithBundle(inputs: string | string[], options: AnalyzeOptions = {}): Promise<{ report: Report; bundle: Bundle }> {
  const paths = Array.isArray(inputs) ? inputs : [inputs];
  const config = typeof options.config === 'string' ? await loadConfig(options.config) : options.config;
  const ruleSet = await loadCatalog(options.rulesDirs ?? []);
  const budget = { ...config?.budget, ...options.budget };
  const bundle = await readInputs(paths, {
    scanner: ruleSet.createScanner(budget.maxLineLength === undefined ? {} : { maxLineLength: budget.maxLineLength }),
    inputFormat: options.inputFormat,
    budget,
    onProgress: options.onProgress,
  });
  const now = options.now ?? (bundle.collectedAt ? new Date(bundle.collectedAt) : new Date());
  const onProgress = options.onProgress;
  const { findings, outcomes } = evaluate(ruleSet, bundle, {
    config,
    now,
    ...(onProgress ? { onRule: (done: number, total: number) => onProgress({ phase: 'rules', done, total, unit: 'rules' }) } : {}),
  });
  onProgress?.({ phase: 'report', done: 0, total: 1, unit: 'steps' });
  const redactor = createRedactor(config?.redaction);
  const redact = (text: string) => redactor.redactText(text);
  const report = buildReport(bundle, { toolVersion: TOOL_VERSION, findings, rules: outcomes, redact });
  const context = troubleshootContext(bundle.externalResults, report.findings, redact);
  if (context) report.troubleshootAnalysis = context;
  onProgress?.({ phase: 'report', done: 1, total: 1, unit: 'steps' });
  return { report, bundle };
}
