// The shape of one CLI command module.
import type { Argv } from 'yargs';

export interface CommandModule<A = Record<string, unknown>> {
  /** yargs command string, e.g. `analyze <inputs..>`. */
  name: string;
  describe: string;
  builder: (yargs: Argv) => Argv;
  /** Runs the command and resolves to its exit code; throws SnapshotDoctorError for fatal problems. */
  run: (args: A) => Promise<number>;
}
