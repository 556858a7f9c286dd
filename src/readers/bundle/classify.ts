// Maps an entry path of any bundle layout (troubleshoot of every era, velero debug, snapshot-doctor) to what it holds.
import { veleroKindForPlural } from '../../model/velero.js';

/** The role of one bundle entry; readers act on roles, never on one layout's paths. */
export type Role =
  /** Custom resources of a CRD (`backups.velero.io`): a JSON array or a YAML sequence. */
  | { role: 'custom-resources'; crd: string; kind: string; namespace?: string; ext: 'json' | 'yaml' }
  /** A Kubernetes List (or bare array) of one kind, per namespace or cluster-scoped. */
  | { role: 'list'; kind: string; namespace?: string; captureTime?: string }
  /** A collector's error list (`*-errors.json`): RBAC denials and the like. */
  | { role: 'errors' }
  /** A container log. `canonical` for `cluster-resources/pods/logs/...` and velero debug's own copies. */
  | { role: 'pod-log'; namespace?: string; pod: string; container: string; previous: boolean; canonical: boolean }
  | { role: 'cluster-version' }
  | { role: 'troubleshoot-version' }
  | { role: 'velero-version' }
  | { role: 'describe'; kind: 'Backup' | 'Restore'; name: string }
  /** A backup or restore log (`velero backup logs`), possibly with its namespace. */
  | { role: 'owner-log'; kind: 'Backup' | 'Restore'; name: string; namespace?: string }
  /** Velero's `<backup>-results` JSON (errors and warnings). */
  | { role: 'results'; kind: 'Backup' | 'Restore'; name: string; namespace?: string }
  | { role: 'credential-keys'; namespace: string; secret: string }
  | { role: 'manifest' }
  /** troubleshoot's analyzer results at the bundle root. */
  | { role: 'troubleshoot-analysis' }
  | { role: 'ignore' };

/**
 * troubleshoot's `cluster-resources/<folder>` names → kind. Only kinds the model uses are read; the
 * others (roles, services, configmaps…) are skipped unread.
 */
const CORE_KINDS: Record<string, string> = {
  pods: 'Pod',
  deployments: 'Deployment',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  events: 'Event',
  pvcs: 'PersistentVolumeClaim',
  pvs: 'PersistentVolume',
  nodes: 'Node',
  namespaces: 'Namespace',
  'storage-classes': 'StorageClass',
  'custom-resource-definitions': 'CustomResourceDefinition',
  'resource-quota': 'ResourceQuota',
  limitranges: 'LimitRange',
  'volumeattachments': 'VolumeAttachment',
  'csidrivers': 'CSIDriver',
  'validatingwebhookconfigurations': 'ValidatingWebhookConfiguration',
  'mutatingwebhookconfigurations': 'MutatingWebhookConfiguration',
  'validating-webhook-configurations': 'ValidatingWebhookConfiguration',
  'mutating-webhook-configurations': 'MutatingWebhookConfiguration',
  'priorityclasses': 'PriorityClass',
};

/** Custom resources of other groups worth reading: CSI snapshots. */
const OTHER_CRDS: Record<string, string> = {
  'volumesnapshotclasses.snapshot.storage.k8s.io': 'VolumeSnapshotClass',
  'volumesnapshots.snapshot.storage.k8s.io': 'VolumeSnapshot',
  'volumesnapshotcontents.snapshot.storage.k8s.io': 'VolumeSnapshotContent',
};

/** The kind a troubleshoot folder name (or a plural resource name) stands for, when the model reads it. */
export function kindForFolder(name: string): string | undefined {
  return CORE_KINDS[name] ?? veleroKindForPlural(name) ?? OTHER_CRDS[name];
}

/** The kind behind a CRD name (`backups.velero.io`, `volumesnapshotclasses.snapshot.storage.k8s.io`). */
export function kindForCrd(crd: string): string | undefined {
  if (crd.endsWith('.velero.io')) return veleroKindForPlural(crd);
  return OTHER_CRDS[crd];
}

const LOG_FILE = /^(?<container>.+?)(?<previous>-previous)?\.log$/;
/** crash-diagnostics names captured object files `<resource>-<yyyyMMddHHmm.0000>.json`. */
const CAPTURE_FILE = /^(?<resource>[a-z0-9.-]+?)-(?<time>\d{12})\.\d+\.json$/;

export function classify(path: string): Role {
  const parts = path.split('/');
  const name = parts[parts.length - 1]!;
  const [top] = parts;

  if (path === 'version.yaml') return { role: 'troubleshoot-version' };
  if (path === 'version.txt') return { role: 'velero-version' };
  if (path === 'cluster-info/cluster_version.json') return { role: 'cluster-version' };
  if (path === 'snapshot-doctor/manifest.json') return { role: 'manifest' };
  if (path === 'analysis.json') return { role: 'troubleshoot-analysis' };
  if (/-errors\.json$/.test(name) || name === 'errors.json') return { role: 'errors' };

  if (top === 'cluster-resources') return classifyClusterResources(parts);
  if (top === 'kubecapture') return classifyKubeCapture(parts);
  if (top === 'snapshot-doctor') return classifySnapshotDoctor(parts);

  // velero debug, top level: backup_describe_<b>.txt, backup_<b>.log, restore_describe_<r>.txt, restore_<r>.log.
  if (parts.length === 1) {
    let m = /^(backup|restore)_describe_(.+)\.txt$/.exec(name);
    if (m) return { role: 'describe', kind: m[1] === 'backup' ? 'Backup' : 'Restore', name: m[2]! };
    m = /^(backup|restore)_(.+)\.log$/.exec(name);
    if (m) return { role: 'owner-log', kind: m[1] === 'backup' ? 'Backup' : 'Restore', name: m[2]! };
  }

  // A logs collector's own path (`velero/logs/<pod>/<c>.log`, `velero/<pod>/…`, `kots/velero/<pod>/…`):
  // a symlink to the canonical copy since troubleshoot v0.48, the only copy before it.
  if (parts.length >= 3 && name.endsWith('.log') && !name.endsWith('-errors.log')) {
    const m = LOG_FILE.exec(name);
    if (m?.groups) {
      return { role: 'pod-log', pod: parts[parts.length - 2]!, container: m.groups.container!, previous: Boolean(m.groups.previous), canonical: false };
    }
  }
  return { role: 'ignore' };
}

function classifyClusterResources(parts: string[]): Role {
  const name = parts[parts.length - 1]!;
  // cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log
  if (parts[1] === 'pods' && parts[2] === 'logs') {
    if (parts.length !== 6 || name.endsWith('-errors.log')) return { role: 'ignore' };
    const m = LOG_FILE.exec(name);
    if (!m?.groups) return { role: 'ignore' };
    return { role: 'pod-log', namespace: parts[3]!, pod: parts[4]!, container: m.groups.container!, previous: Boolean(m.groups.previous), canonical: true };
  }
  if (parts[1] === 'custom-resources') {
    // custom-resources/<crd>/<ns>.json|yaml, or custom-resources/<crd>.json|yaml (cluster-scoped).
    const ext = /\.(json|ya?ml)$/.exec(name)?.[1];
    if (!ext) return { role: 'ignore' };
    const base = name.replace(/\.(json|ya?ml)$/, '');
    const crd = parts.length === 4 ? parts[2]! : parts.length === 3 ? base : undefined;
    const kind = crd ? kindForCrd(crd) : undefined;
    if (!crd || !kind) return { role: 'ignore' };
    const role: Role = { role: 'custom-resources', crd, kind, ext: ext === 'json' ? 'json' : 'yaml' };
    if (parts.length === 4) role.namespace = base;
    return role;
  }
  if (!name.endsWith('.json')) return { role: 'ignore' };
  const base = name.slice(0, -'.json'.length);
  if (parts.length === 2) {
    const kind = kindForFolder(base);
    return kind ? { role: 'list', kind } : { role: 'ignore' };
  }
  if (parts.length === 3) {
    const kind = kindForFolder(parts[1]!);
    return kind ? { role: 'list', kind, namespace: base } : { role: 'ignore' };
  }
  return { role: 'ignore' };
}

function classifyKubeCapture(parts: string[]): Role {
  const name = parts[parts.length - 1]!;
  // kubecapture/<group>_<version>/<ns>/<resource>-<time>.json
  if (parts.length === 4) {
    const m = CAPTURE_FILE.exec(name);
    if (!m?.groups) return { role: 'ignore' };
    const kind = kindForFolder(m.groups.resource!);
    if (!kind) return { role: 'ignore' };
    return { role: 'list', kind, namespace: parts[2]!, captureTime: m.groups.time! };
  }
  // kubecapture/core_v1/<ns>/<pod>/<container>/<container>.log
  if (parts.length === 6 && parts[1] === 'core_v1' && name === `${parts[4]}.log`) {
    return { role: 'pod-log', namespace: parts[2]!, pod: parts[3]!, container: parts[4]!, previous: false, canonical: true };
  }
  return { role: 'ignore' };
}

function classifySnapshotDoctor(parts: string[]): Role {
  if (parts.length !== 4) return { role: 'ignore' };
  const [, folder, namespace, name] = parts as [string, string, string, string];
  const base = name.replace(/\.(log|json)$/, '');
  switch (folder) {
    case 'backup-logs':
      return { role: 'owner-log', kind: 'Backup', name: base, namespace };
    case 'restore-logs':
      return { role: 'owner-log', kind: 'Restore', name: base, namespace };
    case 'backup-results':
      return { role: 'results', kind: 'Backup', name: base, namespace };
    case 'restore-results':
      return { role: 'results', kind: 'Restore', name: base, namespace };
    case 'credential-keys':
      return { role: 'credential-keys', namespace, secret: base };
    default:
      return { role: 'ignore' };
  }
}
