// Typed errors with user-facing one-line messages; the CLI maps each to its exit code.
import { ExitCode } from './constants.js';

/** Base class: `message` is shown to the user as is, on one line, without a stack trace. */
export class SnapshotDoctorError extends Error {
  readonly exitCode: ExitCode = ExitCode.FATAL;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An input (bundle, archive, log file) that cannot be read at all. The message names the file. */
export class InputError extends SnapshotDoctorError {
  constructor(
    readonly file: string,
    /** What is wrong with it, without the file name. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
  }
}

/** A rule file that does not load: names the file and, where known, the field. */
export class RuleFileError extends SnapshotDoctorError {
  constructor(
    readonly file: string,
    problem: string,
    readonly field?: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
  }
}

/** A --config file that does not load or validate. */
export class ConfigError extends SnapshotDoctorError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Collection from a live cluster failed as a whole (unreachable cluster, bad kubeconfig). */
export class CollectError extends SnapshotDoctorError {}

/** Bad command-line usage (unknown format, missing argument): exit code 64. */
export class UsageError extends SnapshotDoctorError {
  override readonly exitCode: ExitCode = ExitCode.USAGE;
}

/** A size, count or depth budget was exceeded while reading hostile or huge input. */
export class BudgetError extends InputError {}

/** An archive or folder holds more entries than the entry budget; what came before is whole and may be analyzed. */
export class EntryBudgetError extends BudgetError {
  constructor(
    file: string,
    readonly limit: number,
    what: 'entries' | 'files',
  ) {
    super(file, `holds more than ${limit} ${what} (the entry-count budget); not read further`);
  }
}
