// `snapshot-doctor diagnose`: collect, analyze, and write the bundle and the reports into one folder to attach.
import { join, resolve } from 'node:path';
import { SEVERITIES } from '../../constants.js';
import { FORMAT_NAMES, type FormatName } from '../../formatters/names.js';
import type { CollectResult } from '../../collect/index.js';
import type { Report } from '../../report/types.js';
import { makeDirs, removeDirs } from '../../util/output-path.js';
import { collectOptions, collectOptionsFrom, printCollectSummary, runCollect, type CollectArgs } from './collect.js';
import { exitCodeFor, parseFailOn, parseFormats } from './shared.js';
import type { CommandModule } from './types.js';

interface DiagnoseArgs extends CollectArgs {
  format?: string[];
  outputDir?: string;
  failOn: string;
  rules?: string[];
}

/** The reports an admin attaches by default: whichever of these the build has. */
const DEFAULT_FORMATS = (['html', 'markdown', 'json'] as string[]).filter((f): f is FormatName => (FORMAT_NAMES as string[]).includes(f));

export const diagnoseCommand: CommandModule<DiagnoseArgs> = {
  name: 'diagnose',
  describe: 'Collect from the cluster, analyze, and write the bundle and reports into one folder',
  builder: (yargs) =>
    collectOptions(yargs)
      .option('output-dir', {
        alias: ['output', 'o'],
        type: 'string',
        describe: 'The folder for the bundle and the reports (default: ./snapshot-doctor-<timestamp>/)',
      })
      .option('format', { alias: 'f', type: 'string', array: true, describe: `Report formats, repeatable (${FORMAT_NAMES.join(', ')}; default: ${DEFAULT_FORMATS.join(', ')})` })
      .option('fail-on', { type: 'string', default: 'error', describe: `Exit 1 when a finding is at or above this severity (${SEVERITIES.join(', ')}, or none)` })
      .option('rules', { type: 'string', array: true, describe: 'A directory of extra YAML rules (repeatable)' }),
  async run(args) {
    const quiet = Boolean(args.quiet);
    const [{ analyze }, { writeBundleAnalysis }, { bundleBaseName }, { writeReports }, { createProgress }] = await Promise.all([
      import('../../analyze.js'),
      import('../../bundle/analysis.js'),
      import('../../collect/index.js'),
      import('../io.js'),
      import('../progress.js'),
    ]);
    const startedAt = new Date();
    const folder = resolve(args.outputDir ?? bundleBaseName(startedAt));
    const formats = parseFormats({ format: args.format, outputDir: folder, failOn: args.failOn }, DEFAULT_FORMATS.length > 0 ? DEFAULT_FORMATS : FORMAT_NAMES);
    const failOn = parseFailOn(args.failOn);

    // A run that fails leaves no folder it made behind (one holding a bundle is kept: the bundle is worth having).
    const made = await makeDirs(folder);
    let collected: CollectResult;
    let report: Report;
    let written: string[];
    try {
      collected = await runCollect({ ...collectOptionsFrom(args, () => {}), output: join(folder, `${bundleBaseName(startedAt)}.tar.gz`) }, quiet);
      printCollectSummary(collected, quiet);
      const progress = createProgress({ quiet });
      try {
        report = await analyze(collected.path, { rulesDirs: args.rules ?? [], config: args.config, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      await writeBundleAnalysis(collected.path, report);
      written = await writeReports(report, { formats, outputDir: folder, baseName: 'report', color: false });
    } catch (error) {
      await removeDirs(made);
      throw error;
    }
    process.stdout.write(`${summaryLines(report).join('\n')}\n\nbundle:  ${collected.path}\n${written.map((p) => `report:  ${p}`).join('\n')}\n`);
    return exitCodeFor(report, failOn);
  },
};

/** The verdict in a few lines: counts by severity, then one line per finding (most severe first). */
export function summaryLines(report: Report, max = 15): string[] {
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const lines = [`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${counts})`];
  for (const finding of report.findings.slice(0, max)) {
    const where = finding.resources.slice(0, 2).map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`);
    const more = finding.resources.length > 2 ? ` +${finding.resources.length - 2}` : '';
    lines.push(`  ${finding.severity.padEnd(8)} ${finding.ruleId}: ${finding.title}${where.length > 0 ? ` (${where.join(', ')}${more})` : ''}`);
  }
  if (report.findings.length > max) lines.push(`  … and ${report.findings.length - max} more in the reports`);
  if (report.problems.length > 0) lines.push(`${report.problems.length} problem(s) reading or collecting data (see the reports)`);
  return lines;
}
