// The one error of rule compilation: a problem at a field of what was compiled, for RuleFileError to name.
export class FieldError extends Error {
  constructor(
    /** The field's path, relative to what was being compiled (`regex`, `where.status.phase`, `## How to fix`). */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }

  /** The same problem, its field placed under `prefix` (`match.logs[0]` + `regex`). */
  under(prefix: string): FieldError {
    return new FieldError(prefix ? `${prefix}.${this.field}` : this.field, this.message);
  }
}
