// The DiffReport: what `diff` produces from two Reports of one cluster and every diff formatter renders.
import type { Severity } from '../constants.js';
import type { Finding, LocationRow, ReportVersions, RepositoryRow, ReportDetails } from '../report/types.js';
import type { InputFormat } from '../model/bundle.js';

/** What tells one cluster from another, read off the inputs (where they show it). */
export interface ClusterIdentity {
  /** The uid of the `kube-system` Namespace: stable for a cluster's life, different between clusters. */
  clusterId: string | null;
  /** Namespaces the input shows (Namespace objects, else the namespaces its objects live in), sorted. */
  namespaces: string[];
  /** Where the Velero server runs. */
  veleroNamespace: string | null;
}

/** One of the two inputs, as the diff shows it. */
export interface DiffSide {
  path: string;
  format: InputFormat | 'multiple';
  collectedAt: string | null;
  versions: ReportVersions;
  summary: Record<Severity, number>;
  identity: ClusterIdentity;
  /** The backups and restores of the input (the newest, as the Report holds them, and the day counts of all): the HTML draws them as a timeline. */
  timeline: Pick<ReportDetails, 'backups' | 'restores' | 'truncated' | 'runsByDay'>;
}

export type FindingStatus = 'resolved' | 'new' | 'persisting';

/**
 * How the two sides of a persisting finding were matched: `objects`, the same rule on the same
 * objects (a schedule's backups count as the schedule, a controller's pods as the controller);
 * `rule`, the same rule on objects that share at least one of them.
 */
export type MatchKind = 'objects' | 'rule';

export interface FindingChange {
  status: FindingStatus;
  /** The finding as the newer input shows it (resolved: as the older one did). */
  finding: Finding;
  /** Persisting only: the finding as the older input showed it. */
  previous?: Finding;
  matchedBy?: MatchKind;
}

export interface VersionChange {
  /** `kubernetes`, `velero`, `node-agent`, `kots`, or a plugin's name. */
  component: string;
  old: string | null;
  new: string | null;
  /** `upgraded` / `downgraded` when both are semver, else `changed`; `added` / `removed` for plugins. */
  change: 'upgraded' | 'downgraded' | 'changed' | 'added' | 'removed';
}

export interface FieldChange {
  field: string;
  old: string | null;
  new: string | null;
}

export interface LocationChange {
  kind: LocationRow['kind'];
  name: string;
  namespace?: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: the fields that differ (phase, bucket, prefix, provider, default, access mode). */
  fields: FieldChange[];
  old?: LocationRow;
  new?: LocationRow;
}

export interface RepositoryChange {
  /** What identifies the repository across inputs: volume namespace, location and type (its name has a random suffix). */
  key: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
  old?: RepositoryRow;
  new?: RepositoryRow;
}

/** A backup or restore that the newer input shows and the older did not (it ran between the two collections). */
export interface RunBetween {
  kind: 'Backup' | 'Restore';
  name: string;
  namespace?: string;
  phase: string;
  started?: string;
  completed?: string;
  /** Backups: the schedule that made it; restores: the backup restored. */
  schedule?: string;
  backup?: string;
  errors: number;
  warnings: number;
  failureReason?: string;
}

export interface DiffReport {
  schemaVersion: 1;
  kind: 'diff';
  tool: { name: string; version: string };
  generatedAt: string;
  old: DiffSide;
  new: DiffSide;
  /** Reasons to think the two inputs come from different clusters (empty when nothing says so). */
  differentCluster: string[];
  /** Other things a reader should know before trusting the diff (inputs given in the wrong order, truncated tables). */
  notes: string[];
  /** Counts of each status, and of new + persisting findings by severity (what --fail-on counts). */
  summary: { resolved: number; new: number; persisting: number; open: Record<Severity, number> };
  /** New first, then persisting, then resolved; most severe first within each. */
  findings: FindingChange[];
  versions: VersionChange[];
  locations: LocationChange[];
  repositories: RepositoryChange[];
  /** Oldest first. */
  runsBetween: RunBetween[];
}
