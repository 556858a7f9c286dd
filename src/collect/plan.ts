// What collection fetches: the kinds and fields kept, the namespaces backups cover, the logs and downloads worth asking for.
import type { KubeObject } from '../model/kube.js';
import { byCodeUnits } from '../util/compare.js';
import type { Reads } from './list-files.js';

export const FAILED_PHASES = new Set(['Failed', 'PartiallyFailed', 'FinalizingPartiallyFailed', 'WaitingForPluginOperationsPartiallyFailed']);
/** Of all CRDs, those of the groups the rules read about. */
const SCHEDULE_LABEL = 'velero.io/schedule-name';
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
    fields: ['metadata.namespace', 'metadata.creationTimestamp', 'metadata.labels', 'spec.includedNamespaces', 'spec.storageLocation', 'status.phase', 'status.startTimestamp'],
    when: { path: 'status.phase', values: [...FAILED_PHASES] },
    firstOf: 'spec.includedNamespaces',
    // Where each schedule's current failure streak began: after its newest Completed backup.
    newestOf: { group: ['metadata', 'labels', SCHEDULE_LABEL], time: 'status.startTimestamp', when: { path: 'status.phase', values: ['Completed'] } },
  },
  restores: { fields: ['metadata.namespace', 'metadata.creationTimestamp', 'spec.backupName', 'status.phase', 'status.startTimestamp'], when: { path: 'status.phase', values: [...FAILED_PHASES] } },
  backupstoragelocations: { fields: ['metadata.namespace', 'spec.credential', 'spec.default', 'spec.objectStorage.caCert'] },
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

/** A candidate for a log download and why it was chosen. */
interface Candidate {
  object: KubeObject;
  why: string;
}

/**
 * Which failed backups (or restores) to download logs of, in order, and how many logs are wanted: for
 * backups, the first failure of each schedule's current failure streak (where the cause first shows)
 * and each schedule's newest failure, then the `recent` newest failures; the wanted count is the
 * number of those. The older failures follow, newest first, to stand in for downloads that fail.
 */
export function downloadCandidates(objects: KubeObject[], recent: number, bySchedule: boolean): { candidates: Candidate[]; wanted: number } {
  const failed = objects.filter(isFailed).sort((a, b) => byCodeUnits(startedAt(b), startedAt(a)));
  const chosen = new Map<string, Candidate>();
  const choose = (object: KubeObject, why: string) => {
    if (!chosen.has(object.metadata.name)) chosen.set(object.metadata.name, { object, why });
  };
  if (bySchedule) {
    const lastCompleted = new Map<string, string>();
    for (const o of objects) {
      const schedule = o.metadata.labels?.[SCHEDULE_LABEL];
      if (!schedule || o.status?.phase !== 'Completed') continue;
      const t = startedAt(o);
      if (t > (lastCompleted.get(schedule) ?? '')) lastCompleted.set(schedule, t);
    }
    const schedules = new Map<string, KubeObject[]>();
    for (const o of failed) {
      const schedule = o.metadata.labels?.[SCHEDULE_LABEL];
      if (schedule) schedules.set(schedule, [...(schedules.get(schedule) ?? []), o]);
    }
    const newestFailures: [string, KubeObject][] = [];
    for (const [schedule, list] of [...schedules].sort(([a], [b]) => byCodeUnits(a, b))) {
      const streak = list.filter((o) => startedAt(o) > (lastCompleted.get(schedule) ?? ''));
      const first = streak[streak.length - 1];
      if (first) choose(first, `first failure of schedule ${schedule}'s current failure streak (${streak.length} in a row)`);
      newestFailures.push([schedule, list[0]!]);
    }
    for (const [schedule, newest] of newestFailures) choose(newest, `newest failure of schedule ${schedule}`);
  }
  for (const o of failed.slice(0, recent)) choose(o, `one of the ${recent} newest failures`);
  const wanted = chosen.size;
  for (const o of failed) choose(o, 'an older failure, in place of a download that failed');
  return { candidates: [...chosen.values()], wanted };
}

/** A location's `spec.objectStorage.caCert` (base64 PEM) as PEM text, by location name; `''` or unknown means the default location. */
export function locationCaCerts(locations: KubeObject[]): (name: string | undefined) => string | undefined {
  const byName = new Map<string, string | undefined>();
  let fallback: string | undefined;
  for (const location of locations) {
    const encoded = location.spec?.objectStorage?.caCert;
    const pem = typeof encoded === 'string' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
    byName.set(location.metadata.name, pem);
    if (location.spec?.default === true || (location.metadata.name === 'default' && fallback === undefined)) fallback = pem;
  }
  return (name) => (name && byName.has(name) ? byName.get(name) : fallback);
}
