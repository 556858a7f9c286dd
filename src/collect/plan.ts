// What collection fetches: the kinds and fields kept, the namespaces backups cover, the logs and downloads worth asking for.
import type { KubeObject } from '../model/kube.js';
import { byCodeUnits } from '../util/compare.js';
import type { Reads } from './list-files.js';
import type { DownloadTargetKind } from './velero-requests.js';

export const FAILED_PHASES = new Set(['Failed', 'PartiallyFailed', 'FinalizingPartiallyFailed', 'WaitingForPluginOperationsPartiallyFailed']);
/** Of all CRDs, those of the groups the rules read about. */
export const CRD_GROUPS_KEPT = /\.(velero\.io|snapshot\.storage\.k8s\.io)$/;
export const KOTSADM_SELECTOR = 'app=kotsadm';
/** The velero CLI labels its install component=velero; the Helm chart app.kubernetes.io/name=velero. */
export const VELERO_SELECTORS = ['component=velero', 'app.kubernetes.io/name=velero'];

/**
 * The velero.io lists that later steps read (coverage, downloads, credential keys): which objects and
 * which of their fields. The worker picks them as it builds the files: of 5,000 Backups, coverage needs
 * one per distinct set of included namespaces and the downloads the failed ones, and keeping them all
 * on the main thread cost a garbage collection pause there (bench/collect.bench.ts).
 */
export const READ_LATER: Record<string, Reads> = {
  backups: {
    fields: ['metadata.namespace', 'metadata.creationTimestamp', 'spec.includedNamespaces', 'status.phase', 'status.startTimestamp'],
    when: { path: 'status.phase', values: [...FAILED_PHASES] },
    firstOf: 'spec.includedNamespaces',
  },
  restores: { fields: ['metadata.namespace', 'metadata.creationTimestamp', 'status.phase', 'status.startTimestamp'], when: { path: 'status.phase', values: [...FAILED_PHASES] } },
  backupstoragelocations: { fields: ['metadata.namespace', 'spec.credential'] },
  volumesnapshotlocations: { fields: ['metadata.namespace', 'spec.credential'] },
};

/** The namespaces backups include: a set, or `all` when any backup includes every namespace. */
export function coverage(backups: KubeObject[]): Set<string> | 'all' {
  const namespaces = new Set<string>();
  for (const backup of backups) {
    const included = (backup.spec?.includedNamespaces ?? []) as string[];
    if (included.length === 0 || included.includes('*')) return 'all';
    for (const ns of included) namespaces.add(ns);
  }
  return namespaces;
}

/** One DownloadRequest worth making: the log or results of a failed backup or restore. */
export interface DownloadTarget {
  kind: 'Backup' | 'Restore';
  name: string;
  downloads: DownloadTargetKind[];
}

/** The logs and results to download: of the `recent` newest failed backups and restores in the Velero namespace. */
export function downloadTargets(backups: KubeObject[], restores: KubeObject[], namespace: string, recent: number): DownloadTarget[] {
  const newestFailed = (list: KubeObject[]) =>
    list
      .filter((o) => o.metadata.namespace === namespace && isFailed(o))
      .sort((a, b) => byCodeUnits(startedAt(b), startedAt(a)))
      .slice(0, recent);
  return [
    ...newestFailed(backups).map((b) => ({ kind: 'Backup' as const, name: b.metadata.name, downloads: ['BackupLog', 'BackupResults'] as DownloadTargetKind[] })),
    ...newestFailed(restores).map((r) => ({ kind: 'Restore' as const, name: r.metadata.name, downloads: ['RestoreLog', 'RestoreResults'] as DownloadTargetKind[] })),
  ];
}

/** A Secret whose key names are worth collecting, and who uses it. */
export interface CredentialSecret {
  namespace: string;
  name: string;
  usedBy: { kind: string; name: string; key?: string }[];
}

/** The credential Secrets of locations (`spec.credential`) and the Secrets the Velero workloads mount. */
export function credentialSecrets(locations: KubeObject[], workloads: KubeObject[]): CredentialSecret[] {
  const wanted = new Map<string, CredentialSecret>();
  const want = (namespace: string | undefined, name: string | undefined, user: { kind: string; name: string; key?: string }) => {
    if (!namespace || !name) return;
    const key = `${namespace}/${name}`;
    const entry = wanted.get(key) ?? { namespace, name, usedBy: [] };
    entry.usedBy.push(user);
    wanted.set(key, entry);
  };
  for (const location of locations) {
    const credential = location.spec?.credential as { name?: string; key?: string } | undefined;
    want(location.metadata.namespace, credential?.name, { kind: location.kind, name: location.metadata.name, key: credential?.key });
  }
  for (const workload of workloads) {
    const volumes = (workload.spec?.template?.spec?.volumes ?? []) as { secret?: { secretName?: string } }[];
    for (const volume of volumes) want(workload.metadata.namespace, volume.secret?.secretName, { kind: workload.kind, name: workload.metadata.name });
  }
  return [...wanted.values()];
}

interface ContainerState {
  name: string;
  restartCount?: number;
  state?: { running?: unknown; terminated?: unknown; waiting?: unknown };
  lastState?: { terminated?: unknown };
}

/** The container logs of a pod worth asking for: each started container's, and its previous one's after a restart. */
export function containerLogs(pod: KubeObject): { container: string; previous: boolean }[] {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerState[]; initContainerStatuses?: ContainerState[] };
  const states = new Map([...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].map((s) => [s.name, s]));
  const logs: { container: string; previous: boolean }[] = [];
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const state = states.get(container.name);
    if (state && !state.state?.running && !state.state?.terminated && !state.lastState?.terminated) continue; // never started: no log yet
    logs.push({ container: container.name, previous: false });
    if ((state?.restartCount ?? 0) > 0 || state?.lastState?.terminated) logs.push({ container: container.name, previous: true });
  }
  return logs;
}

export function isFailed(object: KubeObject): boolean {
  return FAILED_PHASES.has(String(object.status?.phase ?? ''));
}

export function startedAt(object: KubeObject): string {
  return String(object.status?.startTimestamp ?? object.metadata.creationTimestamp ?? '');
}

/** The kind of a built-in list's items, for a list that came back empty. */
export function kindOf(plural: string): string {
  const known: Record<string, string> = {
    pods: 'Pod',
    events: 'Event',
    persistentvolumeclaims: 'PersistentVolumeClaim',
    namespaces: 'Namespace',
    nodes: 'Node',
    deployments: 'Deployment',
    daemonsets: 'DaemonSet',
    storageclasses: 'StorageClass',
    csidrivers: 'CSIDriver',
    customresourcedefinitions: 'CustomResourceDefinition',
  };
  return known[plural] ?? plural;
}
