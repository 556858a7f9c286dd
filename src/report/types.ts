// The Report: what the engine produces and every formatter renders (docs/surface.md, extended compatibly).
// Its findings are the engine's output types, re-exported for the report's readers.
import type { Severity } from '../constants.js';
import type { Finding, RuleOutcome } from '../engine/types.js';
import type { InputFormat, InputInfo, PluginVersion, Problem, VersionSources } from '../model/bundle.js';

export type { AffectedObject, Evidence, Finding, RuleOutcome } from '../engine/types.js';

/** One root cause of the Fix-first section: a finding nothing else explains. */
export interface FixFirstItem {
  /** Index of the finding in `findings`. */
  finding: number;
  ruleId: string;
  title: string;
  /** The most severe of the finding and the symptoms it explains. */
  severity: Severity;
  /** The first thing to do, one line of Markdown. */
  action: string;
  /** Indexes in `findings` of the symptoms it explains. */
  explains: number[];
}

export interface Inventory {
  backups: number;
  restores: number;
  schedules: number;
  backupStorageLocations: number;
  volumeSnapshotLocations: number;
  podVolumeBackups: number;
  podVolumeRestores: number;
  backupRepositories: number;
  dataUploads: number;
  dataDownloads: number;
  deleteBackupRequests: number;
  logFiles: number;
}

export interface ReportVersions {
  kubernetes: string | null;
  velero: string | null;
  kots: string | null;
  nodeAgent: string | null;
  plugins: PluginVersion[];
  /** Where each version came from (an image, a log's start-up line, a ServerStatusRequest, …). */
  sources: VersionSources;
}

export interface BackupRow {
  name: string;
  namespace?: string;
  phase: string;
  schedule?: string;
  storageLocation?: string;
  started?: string;
  completed?: string;
  durationSeconds?: number;
  expiration?: string;
  errors: number;
  warnings: number;
  failureReason?: string;
  /** KOTS: `instance` or `application` backups, from the kots.io annotations. */
  kotsBackupType?: string;
}

export interface RestoreRow {
  name: string;
  namespace?: string;
  phase: string;
  backup?: string;
  started?: string;
  completed?: string;
  durationSeconds?: number;
  errors: number;
  warnings: number;
  failureReason?: string;
}

export interface ScheduleRow {
  name: string;
  namespace?: string;
  schedule?: string;
  paused: boolean;
  phase: string;
  lastBackup?: string;
}

export interface LocationRow {
  kind: 'BackupStorageLocation' | 'VolumeSnapshotLocation';
  name: string;
  namespace?: string;
  provider?: string;
  bucket?: string;
  prefix?: string;
  phase: string;
  default: boolean;
  accessMode?: string;
  message?: string;
  lastValidationTime?: string;
}

export interface RepositoryRow {
  name: string;
  namespace?: string;
  type?: string;
  volumeNamespace?: string;
  storageLocation?: string;
  phase: string;
  message?: string;
  lastMaintenanceTime?: string;
}

/** What the HTML and Markdown reports show beyond the findings. Bounded in size by the engine. */
export interface ReportDetails {
  backups: BackupRow[];
  restores: RestoreRow[];
  schedules: ScheduleRow[];
  locations: LocationRow[];
  repositories: RepositoryRow[];
  /** True when the backup or restore tables were cut to the newest rows. */
  truncated: boolean;
  /**
   * Every backup and restore with a start time (not only the newest rows above), counted per UTC day:
   * what the HTML timeline draws when there are too many runs to mark one by one. Absent in reports
   * written before it existed.
   */
  runsByDay?: RunsOfDay[];
}

/** The backups of one schedule (or the manual backups, or the restores) started on one UTC day. */
export interface RunsOfDay {
  /** `YYYY-MM-DD`, UTC: the day it started (or, never started, was created). */
  day: string;
  kind: 'backup' | 'restore';
  /** The backups' schedule; absent for manual backups and for restores. */
  schedule?: string;
  /** How many started that day, by phase (`Completed`, `PartiallyFailed`, `Failed`, …). */
  phases: Record<string, number>;
  /** Names of those that failed or partially failed, the first MAX_FAILED_NAMES by start time: links to their findings. */
  failed: string[];
}

/** troubleshoot's own analysis that came with the input (its `analysis.json`): context, not findings. */
export interface TroubleshootContext {
  results: {
    source: string;
    title: string;
    message: string;
    severity: 'error' | 'warn';
    object?: { kind: string; namespace?: string; name: string };
    /** Ids of the findings that already say this; absent when no finding does. */
    coveredBy?: string[];
  }[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  input: { path: string; format: InputFormat | 'multiple' };
  inputs: InputInfo[];
  generatedAt: string;
  collectedAt: string | null;
  versions: ReportVersions;
  inventory: Inventory;
  /** The root causes to fix first, most urgent first. */
  fixFirst: FixFirstItem[];
  findings: Finding[];
  summary: Record<Severity, number>;
  problems: Problem[];
  rules: RuleOutcome[];
  details: ReportDetails;
  /** Failing Velero results of troubleshoot's analysis.json in the input; absent when there are none. */
  troubleshootAnalysis?: TroubleshootContext;
}
