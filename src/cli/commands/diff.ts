// `snapshot-doctor diff <old> <new>`: what changed between two inputs of one cluster (a thin layer over diff()).
import { join, resolve } from 'node:path';
import { ExitCode, SEVERITIES, isAtLeast } from '../../constants.js';
import { DIFF_EXTENSIONS, DIFF_FORMAT_NAMES, isDiffFormatName, type DiffFormatName } from '../../diff/format/names.js';
import type { DiffReport } from '../../diff/types.js';
import { UsageError } from '../../errors.js';
import { INPUT_FORMATS, type InputFormat } from '../../model/bundle.js';
import { parseFailOn, type FailOn } from './shared.js';
import { wantColor, writeOutput } from '../io.js';
import type { CommandModule } from './types.js';

interface DiffArgs {
  old: string;
  new: string;
  format?: string[];
  output?: string;
  outputDir?: string;
  failOn: string;
  rules?: string[];
  config?: string;
  inputFormat?: string;
}

function parseDiffFormats(args: DiffArgs): DiffFormatName[] {
  const formats = (args.format ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => (f === 'md' ? 'markdown' : f));
  for (const f of formats) {
    if (!isDiffFormatName(f)) throw new UsageError(`unknown format "${f}" for diff (expected one of: ${DIFF_FORMAT_NAMES.join(', ')})`);
  }
  const chosen = formats.length > 0 ? [...new Set(formats as DiffFormatName[])] : (['text'] as DiffFormatName[]);
  if (chosen.length > 1 && !args.outputDir) throw new UsageError('several --format values need --output-dir');
  if (args.output && args.outputDir) throw new UsageError('give either --output or --output-dir, not both');
  return chosen;
}

/** Exit 1 when a new or persisting finding is at or above --fail-on; resolved findings never count. */
export function diffExitCode(report: DiffReport, failOn: FailOn): number {
  if (failOn === 'none') return ExitCode.OK;
  const open = report.findings.filter((c) => c.status !== 'resolved');
  return open.some((c) => isAtLeast(c.finding.severity, failOn)) ? ExitCode.FINDINGS : ExitCode.OK;
}


export const diffCommand: CommandModule<DiffArgs> = {
  name: 'diff <old> <new>',
  describe: 'What changed between two inputs of one cluster: findings resolved, new and still there; versions; backups in between',
  missing: 'diff needs two inputs: the older and the newer bundle, tarball, folder or file',
  builder: (yargs) =>
    yargs
      .positional('old', { type: 'string', describe: 'The older bundle, tarball, folder or file' })
      .positional('new', { type: 'string', describe: 'The newer one, of the same cluster' })
      .option('format', { alias: 'f', type: 'string', array: true, describe: `Output format, repeatable with --output-dir (${DIFF_FORMAT_NAMES.join(', ')})` })
      .option('output', { alias: 'o', type: 'string', describe: 'Write the diff to this file instead of stdout' })
      .option('output-dir', { type: 'string', describe: 'Write one diff per --format into this folder' })
      .option('fail-on', {
        type: 'string',
        default: 'error',
        describe: `Exit 1 when a new or persisting finding is at or above this severity (${SEVERITIES.join(', ')}, or none)`,
      })
      .option('rules', { type: 'string', array: true, describe: 'A directory of extra YAML rules (repeatable)' })
      .option('config', { type: 'string', describe: 'A config file: ignores, redaction patterns, budgets' })
      .option('input-format', { type: 'string', describe: `Skip detection for both inputs: ${INPUT_FORMATS.join(', ')}` }),
  async run(args) {
    if (!args.old || !args.new) throw new UsageError('diff needs two inputs: the older and the newer (snapshot-doctor diff OLD NEW)');
    const formats = parseDiffFormats(args);
    const failOn = parseFailOn(args.failOn);
    if (args.inputFormat && !(INPUT_FORMATS as readonly string[]).includes(args.inputFormat)) {
      throw new UsageError(`unknown --input-format "${args.inputFormat}" (expected one of: ${INPUT_FORMATS.join(', ')})`);
    }
    // Loaded here, not at the top: `--help` and the other commands never pay for the engine and formatters.
    const [{ diff }, { formatDiff }] = await Promise.all([import('../../diff/index.js'), import('../../diff/format/index.js')]);
    const report = await diff(args.old, args.new, {
      inputFormat: args.inputFormat as InputFormat | undefined,
      rulesDirs: args.rules ?? [],
      config: args.config,
    });
    if (args.outputDir) {
      for (const format of formats) {
        const path = resolve(join(args.outputDir, `diff.${DIFF_EXTENSIONS[format]}`));
        await writeOutput(path, formatDiff(report, format));
        process.stderr.write(`wrote ${path}\n`);
      }
    } else if (args.output) {
      await writeOutput(args.output, formatDiff(report, formats[0]!));
      process.stderr.write(`wrote ${resolve(args.output)}\n`);
    } else {
      const color = wantColor();
      process.stdout.write(formatDiff(report, formats[0]!, { color, width: process.stdout.columns }));
    }
    return diffExitCode(report, failOn);
  },
};
