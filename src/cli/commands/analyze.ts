// `snapshot-doctor analyze <input>…`: analyze saved data offline and write the report(s).
import { INPUT_FORMATS, type InputFormat } from '../../model/bundle.js';
import { UsageError } from '../../errors.js';
import { eachFormats } from './analyze-each.js';
import { exitCodeFor, parseFailOn, parseFormats, reportOptions, type ReportArgs } from './shared.js';
import type { CommandModule } from './types.js';

interface AnalyzeArgs extends ReportArgs {
  inputs: string[];
  rules?: string[];
  config?: string;
  inputFormat?: string;
  quiet?: boolean;
  each?: boolean;
  jobs?: number;
}

export const analyzeCommand: CommandModule<AnalyzeArgs> = {
  name: 'analyze <inputs..>',
  describe: 'Analyze a support bundle, velero debug tarball, log file or describe output',
  missing: 'analyze needs an input: a support bundle, velero debug tarball, folder or log file',
  builder: (yargs) =>
    reportOptions(yargs)
      .positional('inputs', { type: 'string', array: true, describe: 'Bundles, folders or files (several merge into one analysis)' })
      .option('input-format', { type: 'string', describe: `Skip detection: ${INPUT_FORMATS.join(', ')}` })
      .option('each', {
        type: 'boolean',
        describe: 'One analysis per input (a folder stands for its bundles), in parallel; a summary, and per-input reports into --output-dir',
      })
      .option('jobs', { alias: 'j', type: 'number', describe: 'With --each: analyses at once (default: the number of cores)' })
      .check((args) => {
        if (args.jobs !== undefined && !args.each) return '--jobs goes with --each';
        if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) return '--jobs takes a whole number of 1 or more';
        if (!args.each) return true;
        const formats = eachFormats(args.format as string[] | undefined);
        if (typeof formats === 'string') return formats;
        if (formats.length > 1 && !args.outputDir) return 'several --format values need --output-dir';
        return true;
      }),
  async run(args) {
    if (args.each) {
      const formats = eachFormats(args.format);
      if (typeof formats === 'string') throw new UsageError(formats);
      if (args.output && args.outputDir) throw new UsageError('give either --output or --output-dir, not both');
      const failOn = parseFailOn(args.failOn);
      if (args.inputFormat && !(INPUT_FORMATS as readonly string[]).includes(args.inputFormat)) {
        throw new UsageError(`unknown --input-format "${args.inputFormat}" (expected one of: ${INPUT_FORMATS.join(', ')})`);
      }
      const { runEach } = await import('./analyze-each.js');
      return runEach(args, formats, failOn);
    }
    const formats = parseFormats(args, ['text']);
    const failOn = parseFailOn(args.failOn);
    if (args.inputFormat && !(INPUT_FORMATS as readonly string[]).includes(args.inputFormat)) {
      throw new UsageError(`unknown --input-format "${args.inputFormat}" (expected one of: ${INPUT_FORMATS.join(', ')})`);
    }
    // Loaded here, not at the top: `--help` and the other commands never pay for the engine and readers.
    const [{ analyze }, { writeReports, wantColor }, { createProgress }] = await Promise.all([
      import('../../analyze.js'),
      import('../io.js'),
      import('../progress.js'),
    ]);
    const progress = createProgress({ quiet: Boolean(args.quiet) });
    let report;
    let written;
    try {
      report = await analyze(args.inputs, {
        inputFormat: args.inputFormat as InputFormat | undefined,
        rulesDirs: args.rules ?? [],
        config: args.config,
        onProgress: progress.update,
      });
      // A report for stdout may share the terminal with the display: it goes first.
      if (!args.output && !args.outputDir) progress.stop();
      written = await writeReports(report, {
        formats,
        output: args.output,
        outputDir: args.outputDir,
        color: wantColor(),
        width: process.stdout.isTTY ? process.stdout.columns : undefined,
        onWriting: (path) => progress.update({ phase: 'writing', input: path, done: 0, unit: 'steps' }),
      });
    } finally {
      progress.stop();
    }
    if (written.length > 0) {
      // The report went to files: the short verdict goes beside their paths, on stderr.
      const { summaryLines } = await import('./diagnose.js');
      process.stderr.write(`${summaryLines(report).join('\n')}\n\n`);
    }
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
    return exitCodeFor(report, failOn);
  },
};
