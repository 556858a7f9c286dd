// Options and checks that several commands share (report formats, --fail-on, exit code from findings).
import type { Argv } from 'yargs';
import { ExitCode, SEVERITIES, isAtLeast, isSeverity, type Severity } from '../../constants.js';
import { UsageError } from '../../errors.js';
import { FORMAT_NAMES, isFormatName, type FormatName } from '../../formatters/names.js';
import type { Report } from '../../report/types.js';

export function reportOptions(yargs: Argv): Argv {
  return yargs
    .option('format', {
      alias: 'f',
      type: 'string',
      array: true,
      describe: `Report format, repeatable with --output-dir (${FORMAT_NAMES.join(', ')})`,
    })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('output-dir', { type: 'string', describe: 'Write one report per --format into this folder' })
    .option('fail-on', {
      type: 'string',
      default: 'error',
      describe: `Exit 1 when a finding is at or above this severity (${SEVERITIES.join(', ')}, or none)`,
    })
    .option('rules', { type: 'string', array: true, describe: 'A directory of extra YAML rules (repeatable)' })
    .option('config', { type: 'string', describe: 'A config file: ignores, redaction patterns, budgets' });
}

export interface ReportArgs {
  format?: string[];
  output?: string;
  outputDir?: string;
  failOn: string;
}

/** Short names accepted for --format. */
const FORMAT_ALIASES: Record<string, FormatName> = { md: 'markdown', txt: 'text', htm: 'html', xml: 'junit' };

/** The format a report file's extension names (`.html`, `.md`, `.json`, …), if any. */
export function formatOfPath(path: string): FormatName | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  const named = FORMAT_ALIASES[ext] ?? ext;
  return isFormatName(named) ? named : undefined;
}

export function parseFormats(args: ReportArgs, fallback: FormatName[]): FormatName[] {
  const formats = (args.format ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => FORMAT_ALIASES[f] ?? f);
  for (const f of formats) {
    if (!isFormatName(f)) throw new UsageError(`unknown format "${f}" (expected one of: ${FORMAT_NAMES.join(', ')})`);
  }
  // `-o report.html` without --format: the format the file name says.
  const fromExtension = args.output && !args.outputDir ? formatOfPath(args.output) : undefined;
  const chosen = formats.length > 0 ? (formats as FormatName[]) : fromExtension ? [fromExtension] : fallback;
  if (chosen.length > 1 && !args.outputDir) throw new UsageError('several --format values need --output-dir');
  if (args.output && args.outputDir) throw new UsageError('give either --output or --output-dir, not both');
  return [...new Set(chosen)];
}

/** A severity, or `none`: never exit 1 for findings (for `npm start` and exploratory runs). */
export type FailOn = Severity | 'none';

export function parseFailOn(value: string): FailOn {
  if (value === 'none') return value;
  if (!isSeverity(value)) {
    throw new UsageError(`unknown --fail-on severity "${value}" (expected one of: ${SEVERITIES.join(', ')}, none)`);
  }
  return value;
}

export function exitCodeFor(report: Report, failOn: FailOn): number {
  if (failOn === 'none') return ExitCode.OK;
  return report.findings.some((f) => isAtLeast(f.severity, failOn)) ? ExitCode.FINDINGS : ExitCode.OK;
}
