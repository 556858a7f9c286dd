// Secret redaction for bundles, logs and reports: createRedactor() and the redaction tally behind redactions.json.
import type { RedactionConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { LineRedactor, type CustomRule } from './engine.js';
import { MASK, REDACTOR_DESCRIPTIONS } from './rules.js';
import { redactStream } from './stream.js';
import { byCodeUnits } from '../util/compare.js';

export { MASK } from './rules.js';
export { redactStream } from './stream.js';

/** How many values one redactor masked in one file. */
export interface RedactionCount {
  redactor: string;
  file: string;
  count: number;
}

/** The contents of `snapshot-doctor/redactions.json`: counts only, never a secret. */
export interface RedactionSummary {
  mask: string;
  total: number;
  /** Every (redactor, file) pair with at least one redaction, sorted by file then redactor. */
  redactions: RedactionCount[];
  /** Totals per redactor. */
  byRedactor: Record<string, number>;
  /** What each redactor that fired looks for. */
  redactors: Record<string, string>;
}

export interface Redactor {
  /**
   * Redacts a text: one line, or a whole file's content (lines separated by `\n`). Multi-line
   * secrets (PEM blocks, YAML block scalars, env `name:`/`value:` pairs) are handled within the text.
   * `file` is where the text comes from, for the tally; report text is counted under `(report)`.
   */
  redactText(text: string, file?: string): string;
  /** Redacts a byte stream line by line, holding at most one chunk and one line (capped) in memory. */
  redactStream(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, file: string): AsyncIterable<Buffer>;
  /** What was redacted so far, per redactor and file. */
  summary(): RedactionSummary;
}

const REPORT_FILE = '(report)';

/**
 * Builds a redactor with the default redactors plus the config's custom patterns
 * (`redaction.patterns: [{name, regex, flags?}]`). An invalid pattern is a ConfigError.
 */
export function createRedactor(config?: RedactionConfig, options: { configFile?: string } = {}): Redactor {
  const custom = compileCustomPatterns(config, options.configFile ?? 'config');
  const counts = new Map<string, Map<string, number>>();
  // Made at the first redaction only: a bundle of 200,000 files mostly has nothing to count.
  const counter = (file: string) => (redactor: string) => {
    let tally = counts.get(file);
    if (!tally) {
      tally = new Map();
      counts.set(file, tally);
    }
    tally.set(redactor, (tally.get(redactor) ?? 0) + 1);
  };
  // Logs carry no Secret objects: their base64 runs are not decoded (a second full pass, as costly as the first).
  const lineRedactor = (file: string) =>
    new LineRedactor({ custom, onRedaction: counter(file), decodeBase64: !/\.log(?:\.gz)?$/i.test(file), yaml: /\.ya?ml(?:\.gz)?$/i.test(file) });
  const customNames = new Map(config?.patterns?.map((p) => [p.name, `custom pattern /${p.regex}/${p.flags ?? ''}`]) ?? []);
  return {
    redactText(text, file) {
      return lineRedactor(file ?? REPORT_FILE).redactLines(text);
    },
    redactStream(source, file) {
      return redactStream(source, lineRedactor(file));
    },
    summary() {
      const redactions: RedactionCount[] = [];
      const totals = new Map<string, number>();
      for (const [file, perFile] of counts) {
        for (const [redactor, count] of perFile) {
          redactions.push({ redactor, file, count });
          totals.set(redactor, (totals.get(redactor) ?? 0) + count);
        }
      }
      redactions.sort((a, b) => byCodeUnits(a.file, b.file) || byCodeUnits(a.redactor, b.redactor));
      const byRedactor: Record<string, number> = {};
      for (const name of [...totals.keys()].sort()) byRedactor[name] = totals.get(name) ?? 0;
      const redactors: Record<string, string> = {};
      for (const name of Object.keys(byRedactor).sort()) redactors[name] = customNames.get(name) ?? REDACTOR_DESCRIPTIONS[name] ?? name;
      return { mask: MASK, total: redactions.reduce((sum, r) => sum + r.count, 0), redactions, byRedactor, redactors };
    },
  };
}

function compileCustomPatterns(config: RedactionConfig | undefined, file: string): CustomRule[] {
  return (config?.patterns ?? []).map((pattern, index) => {
    const where = `redaction.patterns[${index}]`;
    if (!pattern || typeof pattern.name !== 'string' || !pattern.name || typeof pattern.regex !== 'string' || !pattern.regex) {
      throw new ConfigError(file, `${where}: needs a "name" and a "regex"`);
    }
    const flags = pattern.flags ?? '';
    if (!/^[gimsuvyd]*$/.test(flags)) throw new ConfigError(file, `${where} (${pattern.name}): unknown regex flags "${flags}"`);
    let regex: RegExp;
    try {
      // Every line is searched from the start for every match: g and d are always on, y never.
      regex = new RegExp(pattern.regex, `${[...new Set(flags.replace(/[gyd]/g, ''))].join('')}gd`);
    } catch (error) {
      throw new ConfigError(file, `${where} (${pattern.name}): invalid regex: ${(error as Error).message}`);
    }
    if (regex.test('')) throw new ConfigError(file, `${where} (${pattern.name}): the regex matches the empty string`);
    return { name: pattern.name, regex };
  });
}

export const DEFAULT_REDACTORS: Readonly<Record<string, string>> = REDACTOR_DESCRIPTIONS;
