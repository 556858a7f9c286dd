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
import { plural } from '../../util/words.js';

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
        await writeBundleAnalysis(collected.path, report);
        written = await writeReports(report, {
          formats,
          outputDir: folder,
          baseName: 'report',
          color: false,
          onWriting: (path) => progress.update({ phase: 'writing', input: path, done: 0, unit: 'steps' }),
        });
      } finally {
        progress.stop();
      }
    } catch (error) {
      await removeDirs(made);
      throw error;
    }
    process.stdout.write(`${summaryLines(report).join('\n')}\n\nbundle:  ${collected.path}\n${written.map((p) => `report:  ${p}`).join('\n')}\n`);
    return exitCodeFor(report, failOn);
  },
};

/** The verdict in a few lines: counts by severity, then the root causes to fix first with their first action. */
export function summaryLines(report: Report, max = 8): string[] {
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const lines = [`${plural(report.findings.length, 'finding')} (${counts})`];
  if (report.fixFirst.length > 0) lines.push('Fix first:');
  for (const [i, item] of report.fixFirst.slice(0, max).entries()) {
    lines.push(`  ${i + 1}. ${item.severity.toUpperCase()} ${item.title} [${item.ruleId}]`);
    lines.push(`     ${item.action.replace(/`([^`]+)`/g, '$1')}`);
  }
  if (report.fixFirst.length > max) lines.push(`  … and ${report.fixFirst.length - max} more root causes in the reports`);
  if (report.problems.length > 0) {
    lines.push(`${plural(report.problems.length, 'part')} of the input could not be read (see the reports)`);
  }
  return lines;
}
