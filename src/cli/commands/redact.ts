// `snapshot-doctor redact <bundle> --output FILE`: a redacted copy of a bundle or file, with the tally of what was masked.
import { UsageError } from '../../errors.js';
import type { RedactionSummary } from '../../redact/index.js';
import { ExitCode } from '../../constants.js';
import { printError, printInfo } from '../io.js';
import type { CommandModule } from './types.js';
import { plural } from '../../util/words.js';

interface RedactArgs {
  input: string;
  output?: string;
  config?: string;
  quiet?: boolean;
}

export const redactCommand: CommandModule<RedactArgs> = {
  name: 'redact <input>',
  describe: 'Write a redacted copy of a support bundle, velero debug tarball, folder or log file',
  missing: 'redact needs an input: a support bundle, velero debug tarball, folder or log file',
  builder: (yargs) =>
    yargs
      .positional('input', { type: 'string', describe: 'A bundle (.tar.gz or folder) or a single log / describe / dump file' })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'Where to write the copy (archive in, archive out; a folder in, a folder out unless it ends in .tar.gz; a file in, a file out)',
      })
      .option('config', { type: 'string', describe: 'A config file with custom redaction.patterns (and read budgets)' })
      .check((args) => (args.output ? true : 'redact needs --output FILE (the input is never changed)')),
  async run(args) {
    if (!args.output) throw new UsageError('redact needs --output FILE (the input is never changed)');
    const [{ loadConfig }, { REDACTIONS_FILE, redactCopy }, { createProgress }] = await Promise.all([
      import('../../config/index.js'),
      import('../../redact/copy.js'),
      import('../progress.js'),
    ]);
    const config = args.config ? await loadConfig(args.config) : undefined;
    const progress = createProgress({ quiet: Boolean(args.quiet) });
    // redactCopy makes the copy's folder (level by level) and removes it again if the copy fails.
    let result;
    try {
      result = await redactCopy(args.input, args.output, {
        redaction: config?.redaction,
        configFile: args.config,
        budget: config?.budget,
        onProgress: progress.update,
      });
    } finally {
      progress.stop();
    }
    for (const problem of result.problems) printError(`warning: ${problem.source}: ${problem.message}`);
    const where = result.kind === 'file' ? '' : ` (tally in ${REDACTIONS_FILE})`;
    printInfo(`wrote ${result.output}: ${describeTally(result.summary, result.kind === 'file')}${where}`, Boolean(args.quiet) && result.kind !== 'file');
    return ExitCode.OK;
  },
};

/** One line, plus one line per redactor for a single file (which has no redactions.json to carry it). */
function describeTally(summary: RedactionSummary, detailed: boolean): string {
  const files = new Set(summary.redactions.map((r) => r.file)).size;
  const head = `${plural(summary.total, 'value')} masked${detailed ? '' : ` in ${plural(files, 'file')}`}`;
  if (!detailed) return head;
  return [head, ...Object.entries(summary.byRedactor).map(([name, count]) => `  ${name}: ${count}`)].join('\n');
}
