// `snapshot-doctor analyze --each <input>…`: one analysis per input on worker threads, a summary, per-input reports into --output-dir.
import { basename, join, resolve } from 'node:path';
import { ExitCode, isAtLeast } from '../../constants.js';
import { BATCH_EXTENSIONS, BATCH_FORMAT_NAMES, isBatchFormatName, type BatchFormatName } from '../../batch/format/names.js';
import type { BatchResult } from '../../batch/types.js';
import type { InputFormat } from '../../model/bundle.js';
import { wantColor, writeOutput } from '../io.js';
import type { FailOn } from './shared.js';
import { plural } from '../../util/words.js';

export interface EachArgs {
  inputs: string[];
  format?: string[];
  output?: string;
  outputDir?: string;
  rules?: string[];
  config?: string;
  inputFormat?: string;
  jobs?: number;
  quiet?: boolean;
}

/** The formats a batch summary comes in; `md` is `markdown`. Returns a usage problem as a string, for yargs' check(). */
export function eachFormats(format: string[] | undefined): BatchFormatName[] | string {
  const names = (format ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (f === 'md' ? 'markdown' : f));
  const bad = names.find((f) => !isBatchFormatName(f));
  if (bad) return `with --each, --format takes ${BATCH_FORMAT_NAMES.join(', ')} (json is JSON Lines: one report per line), not "${bad}"`;
  return names.length > 0 ? [...new Set(names as BatchFormatName[])] : ['text'];
}

/** The worst of all inputs: an unreadable input's code (2), else 1 for findings at or above --fail-on, else 0. */
export function batchExitCode(result: BatchResult, failOn: FailOn): number {
  const errors = result.entries.filter((e) => e.error).map((e) => e.error!.exitCode);
  if (errors.length > 0) return Math.max(...errors);
  if (failOn === 'none') return ExitCode.OK;
  const found = result.entries.some((e) => e.report?.findings.some((f) => isAtLeast(f.severity, failOn)));
  return found ? ExitCode.FINDINGS : ExitCode.OK;
}

/** A folder name per input, from its base name without archive extensions, unique within the batch. */
export function reportFolderNames(inputs: string[]): string[] {
  const taken = new Map<string, number>();
  return inputs.map((input) => {
    const base =
      basename(input.replace(/[\\/]+$/, ''))
        .replace(/\.(tar\.gz|tgz|tar|gz)$/i, '')
        // eslint-disable-next-line no-control-regex -- names from the input must not carry control characters into file names
        .replace(/[\u0000-\u001f\u007f<>:"|?*\\/]/g, '_') || 'input';
    const seen = (taken.get(base) ?? 0) + 1;
    taken.set(base, seen);
    return seen === 1 ? base : `${base}-${seen}`;
  });
}


/** A bar on stderr counting finished inputs: only on a terminal, never with --quiet. */
async function progressBar(quiet: boolean): Promise<{ tick: (done: number, total: number) => void; stop: () => void }> {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) return { tick: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream, format: 'analyzing [{bar}] {value}/{total} inputs', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    tick(done, total) {
      if (!started) bar.start(total, done);
      else bar.update(done);
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export async function runEach(args: EachArgs, formats: BatchFormatName[], failOn: FailOn): Promise<number> {
  const [{ analyzeEach }, { formatBatch }, { writeReports }] = await Promise.all([
    import('../../batch/index.js'),
    import('../../batch/format/index.js'),
    import('../io.js'),
  ]);
  const progress = await progressBar(Boolean(args.quiet));
  let done = 0;
  let result: BatchResult;
  try {
    result = await analyzeEach(args.inputs, {
      concurrency: args.jobs,
      inputFormat: args.inputFormat as InputFormat | undefined,
      rulesDirs: args.rules ?? [],
      config: args.config,
      onEntry: (_entry, _index, total) => progress.tick(++done, total),
    });
  } finally {
    progress.stop();
  }
  if (args.outputDir) {
    const folders = reportFolderNames(result.entries.map((e) => e.input));
    for (const [i, entry] of result.entries.entries()) {
      if (!entry.report) continue;
      await writeReports(entry.report, { formats, outputDir: join(args.outputDir, folders[i]!), baseName: 'report', color: false });
    }
    const htmlReports = formats.includes('html') ? result.entries.map((e, i) => (e.report ? `${folders[i]}/report.html` : undefined)) : [];
    for (const format of formats) {
      const path = resolve(join(args.outputDir, `summary.${BATCH_EXTENSIONS[format]}`));
      await writeOutput(path, formatBatch(result, format, { reportHrefs: htmlReports }));
      process.stderr.write(`wrote ${path}\n`);
    }
    process.stderr.write(`wrote ${plural(result.entries.filter((e) => e.report).length, 'per-input report folder')} into ${resolve(args.outputDir)}\n`);
  } else if (args.output) {
    await writeOutput(args.output, formatBatch(result, formats[0]!));
    process.stderr.write(`wrote ${resolve(args.output)}\n`);
  } else {
    const color = wantColor();
    process.stdout.write(formatBatch(result, formats[0]!, { color, width: process.stdout.columns }));
  }
  return batchExitCode(result, failOn);
}
