// Which findings can make backups fail run after run (the causes backups-failing-since may name), and when one counts.
import type { Finding } from '../../engine/types.js';
import { isAtLeast } from '../../constants.js';

/**
 * Rules whose findings describe a condition that makes every backup fail or partially fail while it
 * lasts: the location or its credentials, the node-agent and its repository, the server itself, an
 * unsupported Kubernetes. Not here, because they cannot start a streak: symptoms of a failure
 * (backup-failed, backup-partially-failed, …), and static version findings that were already true
 * when the last backup completed (plugin-version-mismatch says what the README pairs, not what broke).
 */
export const STREAK_CAUSES: readonly string[] = [
  'aws-web-identity-failed',
  'azure-identity-failed',
  'bsl-missing',
  'bsl-read-only',
  'bsl-unavailable',
  'crds-outdated',
  'gcp-signed-url-workload-identity',
  'kopia-read-only-rootfs',
  'kopia-repo-blob-missing',
  'kots-minio-disk-full',
  'node-agent-missing',
  'node-agent-oomkilled',
  'objstore-access-denied',
  'objstore-bucket-not-found',
  'objstore-no-credentials',
  'objstore-object-lock-checksum',
  'objstore-s3-compat-checksum',
  'objstore-tls-untrusted',
  'objstore-unreachable',
  'objstore-wrong-region',
  'plugin-not-found',
  'repo-locked',
  'repo-not-ready',
  'repo-password-mismatch',
  'restic-deprecated',
  'velero-kubernetes-incompatible',
  'velero-pod-oomkilled',
  'velero-rbac-forbidden',
];

/** Where a cause can be placed in time: the log timestamps of its evidence (`time="…"`, `"ts":"…"`). */
const EVIDENCE_TIME = /(?:\btime=\\?"?|"(?:ts|time)":\s*")(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d))/;

/** The earliest time a finding's evidence shows, or null when none of it is dated. */
export function firstSeen(finding: Finding): number | null {
  let first: number | null = null;
  for (const e of finding.evidence) {
    const m = EVIDENCE_TIME.exec(e.text);
    const t = m ? Date.parse(m[1]!) : Number.NaN;
    if (Number.isFinite(t) && (first === null || t < first)) first = t;
  }
  return first;
}

/** One run of failed backups: the names in it and the time of its newest failure. */
export interface Streak {
  backups: ReadonlySet<string>;
  newestFailure: number;
}

/**
 * Whether a finding can have caused this streak: its rule is a streak cause, it is at warning or above
 * (an info finding says the state is expected to work), and it is about a backup of the streak, or,
 * when it names no backup, it was not first seen after the streak's newest failure.
 */
export function causesStreak(finding: Finding, streak: Streak): boolean {
  if (!STREAK_CAUSES.includes(finding.ruleId) || !isAtLeast(finding.severity, 'warning')) return false;
  const backups = finding.resources.filter((r) => r.kind === 'Backup');
  if (backups.length > 0) return backups.some((r) => streak.backups.has(r.name));
  const seen = firstSeen(finding);
  return seen === null || seen <= streak.newestFailure;
}
