// The command line: a thin yargs layer over the library; returns an exit code, never calls process.exit.
import yargs from 'yargs';
import { ExitCode } from '../constants.js';
import { SnapshotDoctorError, UsageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { printError } from './io.js';

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode: number = ExitCode.OK;
  let usageError: string | undefined;
  const parser = yargs(argv)
    .scriptName('snapshot-doctor')
    .usage('$0 <command> [options]\n\nTells why Velero / KOTS snapshot backups and restores fail.')
    .option('debug', { type: 'boolean', describe: 'Show stack traces for errors', global: true })
    .option('quiet', { type: 'boolean', alias: 'q', describe: 'No progress display', global: true })
    .strict()
    .demandCommand(1, 'Give a command: analyze, collect, diagnose, diff, rules or redact.')
    .recommendCommands()
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
    });
  for (const command of COMMANDS) {
    parser.command(command.name, command.describe, command.builder, async (args) => {
      exitCode = await command.run(args as never);
    });
  }
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) usageError = error.message;
    else return reportError(error, debug);
  }
  if (usageError) {
    printError(usageError);
    printError('Run "snapshot-doctor --help" for usage.');
    return ExitCode.USAGE;
  }
  return exitCode;
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof SnapshotDoctorError) {
    printError(error.message);
    if (debug && error.stack) printError(error.stack);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  printError(`internal error: ${message.split('\n')[0]}${debug ? '' : ' (run with --debug for details)'}`);
  if (debug && error instanceof Error && error.stack) printError(error.stack);
  return ExitCode.FATAL;
}
