// backup-stuck: a backup has stayed New, InProgress, WaitingForPluginOperations or Finalizing far longer than Velero's timeouts allow.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { serverContainer } from '../../src/rules/velero-pods.js';
import { byLabel, containerArgs, flagValue, formatDuration, inRange, nameOf, objectEvidence, parseGoDuration, parseVersion, timeOf } from '../../src/rules/support.js';
import { formatTimestamp } from '../../src/util/words.js';

const HOUR = 3_600_000;
/** Velero's defaults: --fs-backup-timeout (--restic-timeout before 1.10) and --default-item-operation-timeout (1.11+). */
export const DEFAULT_FS_BACKUP_TIMEOUT_MS = 4 * HOUR;
export const DEFAULT_ITEM_OPERATION_TIMEOUT_MS = 4 * HOUR;
/** A New backup is picked up within seconds by a running server; this long means nobody processes it. */
export const NEW_GRACE_MS = 30 * 60_000;
/** Slack above the timeouts before calling a backup stuck (uploads of the last items, clock skew). */
export const GRACE_MS = HOUR;

const ACTIVE_PHASES = [
  'New',
  'InProgress',
  'WaitingForPluginOperations',
  'WaitingForPluginOperationsPartiallyFailed',
  'Finalizing',
  'FinalizingPartiallyFailed',
  'Uploading',
  'UploadingPartialFailure',
];

interface Timeouts {
  fsBackupMs: number;
  itemOperationMs: number;
  fsFlag: string;
}

export function serverTimeouts(bundle: Bundle): Timeouts {
  const args = containerArgs(bundle.workloads.veleroDeployment, 'velero');
  const fsFlag = flagValue(args, 'fs-backup-timeout') !== undefined ? 'fs-backup-timeout' : 'restic-timeout';
  return {
    fsBackupMs: parseGoDuration(flagValue(args, fsFlag)) ?? DEFAULT_FS_BACKUP_TIMEOUT_MS,
    itemOperationMs: parseGoDuration(flagValue(args, 'default-item-operation-timeout')) ?? DEFAULT_ITEM_OPERATION_TIMEOUT_MS,
    fsFlag,
  };
}

/** How long a backup in this phase may legitimately have run since it started. */
export function allowedMs(phase: string, backup: KubeObject, timeouts: Timeouts): number {
  const fs = parseGoDuration(backup.metadata.annotations?.['velero.io/pod-volume-timeout']) ?? timeouts.fsBackupMs;
  const itemOps = parseGoDuration(backup.spec?.itemOperationTimeout) ?? timeouts.itemOperationMs;
  if (phase === 'New') return NEW_GRACE_MS;
  if (phase === 'InProgress') return fs + GRACE_MS;
  return fs + itemOps + GRACE_MS;
}

function pendingWork(bundle: Bundle, backup: KubeObject): { text: string; evidence: Evidence[] } {
  const byBackup = (kind: string) => byLabel(bundle, kind, 'velero.io/backup-name', backup.metadata.name);
  const done = new Set(['Completed', 'Failed', 'Canceled']);
  const parts: string[] = [];
  const evidence: Evidence[] = [];
  for (const kind of ['PodVolumeBackup', 'DataUpload']) {
    const open = byBackup(kind).filter((o) => !done.has(String(o.status?.phase ?? 'New')));
    if (open.length === 0) continue;
    const phases = new Map<string, number>();
    for (const o of open) phases.set(String(o.status?.phase ?? 'New'), (phases.get(String(o.status?.phase ?? 'New')) ?? 0) + 1);
    parts.push(`${open.length} ${kind}s not finished (${[...phases].map(([p, n]) => `${n} ${p}`).join(', ')})`);
    evidence.push(objectEvidence(bundle, open[0]!, ['status.phase', 'spec.node', 'spec.pod.name', 'spec.volume', 'spec.sourcePVC', 'status.message']));
  }
  return { text: parts.join('; '), evidence };
}

export const backupStuck: RuleModule = {
  meta: {
    id: 'backup-stuck',
    title: 'A backup is stuck',
    severity: Severity.ERROR,
    category: 'backup',
    summary: 'A backup has stayed New, InProgress, WaitingForPluginOperations or Finalizing far longer than Velero’s timeouts allow.',
    explainedBy: ['velero-not-installed', 'velero-pod-not-running', 'velero-pod-oomkilled', 'node-agent-missing', 'node-agent-oomkilled', 'bsl-unavailable'],
  },
  check(ctx) {
    const { bundle } = ctx;
    const now = ctx.now.getTime();
    const velero = parseVersion(bundle.versions.velero);
    const timeouts = serverTimeouts(bundle);
    const serverStarts = bundle.workloads.veleroPods
      .map((p) => timeOf(serverContainer(p)?.state?.running?.startedAt))
      .filter((t): t is number => t !== null);
    const serverStart = serverStarts.length ? Math.max(...serverStarts) : null;
    const neverResumes = !velero || inRange(velero, '<1.9.0');

    const stuck = new Map<string, { backup: KubeObject; age: number; note: string }[]>();
    for (const backup of bundle.objects.list('Backup')) {
      const phase = String(backup.status?.phase ?? 'New');
      if (!ACTIVE_PHASES.includes(phase) || backup.metadata.deletionTimestamp) continue;
      const since = phase === 'New' ? timeOf(backup.metadata.creationTimestamp) : (timeOf(backup.status?.startTimestamp) ?? timeOf(backup.metadata.creationTimestamp));
      if (since === null) continue;
      const age = now - since;
      const interrupted = phase === 'InProgress' && neverResumes && serverStart !== null && serverStart > since;
      const limit = allowedMs(phase, backup, timeouts);
      if (!interrupted && age <= limit) continue;
      const note = interrupted
        ? `the server restarted at ${formatTimestamp(serverStart)} after it started, and Velero ${bundle.versions.velero ?? '≤ 1.8'} never resumes or fails an interrupted backup`
        : phase === 'New'
          ? 'no Velero server is processing backups'
          : phase === 'InProgress'
            ? `longer than the file-system backup timeout (${formatDuration(limit - GRACE_MS)}) allows`
            : `longer than the file-system and item-operation timeouts (${formatDuration(limit - GRACE_MS)} together) allow`;
      const list = stuck.get(phase) ?? [];
      list.push({ backup, age, note });
      stuck.set(phase, list);
    }

    for (const [phase, list] of stuck) {
      list.sort((a, b) => b.age - a.age);
      const first = list[0]!;
      const work = pendingWork(bundle, first.backup);
      const evidence: Evidence[] = list
        .slice(0, 3)
        .map(({ backup }) => objectEvidence(bundle, backup, ['status.phase', 'metadata.creationTimestamp', 'status.startTimestamp', 'status.progress', 'spec.storageLocation']));
      evidence.push(...work.evidence);
      const names = list.slice(0, 5).map(({ backup }) => nameOf(backup));
      const who = list.length === 1 ? `Backup ${names[0]} has` : `${list.length} backups (${names.join(', ')}${list.length > 5 ? ', …' : ''}) have`;
      let message = `${who} been ${phase} for ${formatDuration(first.age)}${list.length > 1 ? ' (the oldest)' : ''}: ${first.note}.`;
      if (work.text) message += ` Still pending: ${work.text}.`;
      ctx.report({ message, resources: list.map(({ backup }) => refOf(backup)), evidence, count: list.length });
    }
  },
};
