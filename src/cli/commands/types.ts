// The shape of one CLI command module: what it accepts (declared for yargs) and what it does.
import type { Argv } from 'yargs';

export interface CommandModule<A = Record<string, unknown>> {
  /** yargs command string, e.g. `analyze <inputs..>` (`<x>` required, `[x]` optional, `..` several). */
  name: string;
  describe: string;
  /** The options and positionals; `.check()` here for rules yargs cannot express (they run before `run`). */
  builder?: (yargs: Argv) => Argv;
  /** One line shown when a required positional is missing, e.g. `analyze needs an input: …`. */
  missing?: string;
  /** Subcommands (`rules list`, `rules show <id>`); a command with subcommands needs one of them. */
  subcommands?: CommandModule<never>[];
  /**
   * Does the work and resolves to the exit code; throws SnapshotDoctorError for fatal problems.
   * Called only once the whole command line has parsed and passed every check.
   */
  run?: (args: A) => Promise<number>;
}
