// Named constants shared by every layer: exit codes, severities and rule categories.

/** Process exit codes, as docs/surface.md fixes them (sysexits-style 64 for usage). */
export const ExitCode = {
  /** Ran, and nothing at or above --fail-on was found. */
  OK: 0,
  /** Findings at or above --fail-on. */
  FINDINGS: 1,
  /** The input could not be read, or the run failed. */
  FATAL: 2,
  /** Bad command-line usage. */
  USAGE: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const Severity = {
  CRITICAL: 'critical',
  ERROR: 'error',
  WARNING: 'warning',
  INFO: 'info',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Most severe first; the index is the rank used for sorting and --fail-on. */
export const SEVERITIES: readonly Severity[] = [Severity.CRITICAL, Severity.ERROR, Severity.WARNING, Severity.INFO];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at least as severe as `threshold`. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export const CATEGORIES = [
  'install',
  'plugins',
  'storage',
  'backup',
  'schedule',
  'restore',
  'fs-backup',
  'repository',
  'csi',
  'data-mover',
  'compatibility',
  'kots',
  'resources',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TOOL_NAME = 'snapshot-doctor';
export const REPORT_SCHEMA_VERSION = 1;

/** The label on the troubleshoot analyzer results snapshot-doctor writes (`analysis.json`): reading a bundle back skips them. */
export const TROUBLESHOOT_RULE_ID_LABEL = 'snapshotDoctorRuleId';
