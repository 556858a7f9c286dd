// The command line: a thin yargs layer over the library; returns an exit code, never calls process.exit.
import yargs, { type Argv } from 'yargs';
import { ExitCode } from '../constants.js';
import { SnapshotDoctorError, UsageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import type { CommandModule } from './commands/types.js';
import { printError } from './io.js';

export { dropWritesToClosedPipes } from './io.js';
import { explainUsageError, usageLine, valuesGiven, type Matched } from './usage.js';

type AnyCommand = CommandModule<never>;

export interface MainOptions {
  /** How the user runs the program, shown in usage: `kubectl snapshot-doctor` when kubectl runs it as a plugin. */
  scriptName?: string;
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the process exit code.
 * Two phases: yargs parses and checks the whole line (handlers only record which command matched),
 * and only then does the command run, so no usage error can come after work has started.
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const scriptName = options.scriptName ?? 'snapshot-doctor';
  const debug = argv.includes('--debug');
  let chosen: { command: AnyCommand; args: unknown } | undefined;
  // The deepest command whose builder ran: the one a usage error is about.
  let matched: Matched | undefined;
  const parser: Argv = yargs(argv)
    .scriptName(scriptName)
    .usage('$0 <command> [options]\n\nTells why Velero / KOTS snapshot backups and restores fail.')
    .option('debug', { type: 'boolean', describe: 'Show stack traces for errors', global: true })
    .option('quiet', { type: 'boolean', alias: 'q', describe: 'No progress display', global: true })
    // One value per flag: `--format json BUNDLE` must not take BUNDLE as a second format.
    .parserConfiguration({ 'greedy-arrays': false })
    .strict()
    .demandCommand(1, `give a command: ${COMMANDS.map((c) => firstWord(c.name)).join(', ')}`)
    .recommendCommands()
    .check(valuesGiven, true)
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      // A check may throw a UsageError of its own; any other Error is a bug, not a usage problem.
      if (error instanceof Error && !(error instanceof UsageError) && error.name !== 'YError') throw error;
      throw error instanceof UsageError ? error : new UsageError(explainUsageError(message ?? String(error), argv, matched, knownOptions(parser)));
    });
  const register = (into: Argv, command: AnyCommand, parents: string[]): void => {
    into.command(
      command.name,
      command.describe,
      (y) => {
        matched = { command, path: [...parents, command.name] };
        const built = command.builder ? command.builder(y) : y;
        if (!command.subcommands) return built;
        for (const sub of command.subcommands) register(built, sub, [...parents, firstWord(command.name)]);
        return built.demandCommand(1, command.missing ?? `${firstWord(command.name)} needs a subcommand`);
      },
      (args) => {
        chosen = { command, args };
      },
    );
  };
  for (const command of COMMANDS) register(parser, command, []);
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message, matched, scriptName);
    return reportError(error, debug);
  }
  // --help and --version print and match no command.
  if (!chosen?.command.run) return ExitCode.OK;
  try {
    return await chosen.command.run(chosen.args as never);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message, matched, scriptName);
    return reportError(error, debug);
  }
}

/** The long option names the matched command accepts (for "did you mean"): yargs holds the matched command's. */
function knownOptions(parser: Argv): string[] {
  // getOptions() is public in yargs but missing from its type definitions.
  const options = (parser as unknown as { getOptions?: () => { key: Record<string, unknown> } }).getOptions?.();
  const keys = Object.keys(options?.key ?? {});
  return keys.filter((k) => k.length > 1 && k === k.toLowerCase());
}

function firstWord(name: string): string {
  return name.split(' ')[0]!;
}

/** The message on one line, then the command's usage and where to find the rest. */
function usageFailure(message: string, matched: Matched | undefined, scriptName: string): number {
  printError(message);
  process.stderr.write(`${usageLine(matched, scriptName)}\n`);
  return ExitCode.USAGE;
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
