// Helpers the TypeScript rules share: versions, object evidence, pod and container states, log tails, input coverage.
import semver from 'semver';
import type { Bundle, LogFile } from '../model/bundle.js';
import type { ContainerStatus, KubeObject, ObjectRef } from '../model/kube.js';
import { refOf } from '../model/kube.js';
import type { Evidence } from '../engine/types.js';

/** A version string as the model holds it (`1.13.2`, maybe `1.13.2-rc.1`), parsed leniently; null when absent or unparsable. */
export function parseVersion(version: unknown): semver.SemVer | null {
  if (typeof version !== 'string' || !version) return null;
  return semver.parse(version) ?? semver.coerce(version);
}

/** `major.minor` of a parsed version, for table look-ups. */
export function minorOf(version: semver.SemVer): string {
  return `${version.major}.${version.minor}`;
}

/** True when the version (ignoring pre-release tags) satisfies the range. */
export function inRange(version: semver.SemVer, range: string): boolean {
  return semver.satisfies(`${version.major}.${version.minor}.${version.patch}`, range);
}

/** Formats whose inputs are a whole cluster's dump, where every Velero kind was listed. */
const WHOLE_CLUSTER_FORMATS = new Set(['troubleshoot', 'velero-debug', 'snapshot-doctor']);

/**
 * Whether the input could show objects of `kind` at all, so that "none found" means "none exist".
 * Prefers the readers' `collectedKinds`; without it, an object of the kind, or a whole-cluster input
 * holding related objects, is the proof.
 */
export function inputCanShow(bundle: Bundle, kind: string): boolean {
  if (bundle.objects.count(kind) > 0) return true;
  if (bundle.collectedKinds) return bundle.collectedKinds.has(kind) || (kind === 'BackupRepository' && bundle.collectedKinds.has('ResticRepository'));
  const wholeCluster = bundle.inputs.some((input) => WHOLE_CLUSTER_FORMATS.has(input.format));
  if (!wholeCluster) return false;
  const related: Record<string, string[]> = {
    Deployment: ['Pod', 'DaemonSet', 'ReplicaSet', 'StatefulSet'],
    DaemonSet: ['Deployment', 'Pod'],
    Pod: ['Deployment', 'DaemonSet'],
  };
  const veleroKinds = ['Backup', 'Schedule', 'BackupStorageLocation', 'Restore', 'PodVolumeBackup', 'BackupRepository', 'ServerStatusRequest'];
  const kin = related[kind] ?? veleroKinds;
  return kin.some((k) => bundle.objects.count(k) > 0);
}

/** Reads a dotted path (`status.phase`, `spec.template.spec.containers`) from an object. */
export function at(obj: unknown, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `Kind namespace/name`, the way messages name objects. */
export function nameOf(obj: KubeObject | ObjectRef): string {
  const meta = 'metadata' in obj ? obj.metadata : obj;
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}

/** One evidence line for an object: the file it was read from and the fields that prove the point. */
export function objectEvidence(bundle: Bundle, obj: KubeObject, fields: Record<string, unknown> | string[]): Evidence {
  const pairs = Array.isArray(fields) ? fields.map((path) => [path, at(obj, path)] as const) : Object.entries(fields);
  const shown = pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return {
    file: bundle.sourceOf(obj) ?? `${obj.kind}/${nameOf(obj)}`,
    text: `${obj.kind} ${nameOf(obj)}${shown.length ? `: ${shown.join(', ')}` : ''}`,
  };
}

export function refsOf(objects: KubeObject[]): ObjectRef[] {
  return objects.map(refOf);
}

/** The container statuses of a pod, init containers first, each marked. */
export function containerStatuses(pod: KubeObject): (ContainerStatus & { init: boolean })[] {
  const status = pod.status ?? {};
  const list = (value: unknown, init: boolean) =>
    (Array.isArray(value) ? (value as ContainerStatus[]) : []).map((c) => ({ ...c, init }));
  return [...list(status.initContainerStatuses, true), ...list(status.containerStatuses, false)];
}

/** The container spec of a workload (Deployment / DaemonSet: the pod template) or a pod, by name or the first. */
export function containerSpec(workload: KubeObject, name?: string | string[]): Record<string, unknown> | undefined {
  const podSpec = workload.kind === 'Pod' ? workload.spec : workload.spec?.template?.spec;
  const containers = listOf(podSpec?.containers).filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object');
  if (name === undefined) return containers[0];
  const names = Array.isArray(name) ? name : [name];
  return containers.find((c) => names.includes(String(c.name))) ?? undefined;
}

/** The command line of a workload's container (command and args together). */
export function containerArgs(workload: KubeObject | undefined, name?: string | string[]): string[] {
  if (!workload) return [];
  const spec = containerSpec(workload, name) ?? containerSpec(workload);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return [...list(spec?.command), ...list(spec?.args)];
}

/**
 * The value of a Go-style flag in a command line: `--name=value`, `--name value`, or `true` for a bare
 * boolean flag. Undefined when the flag is absent.
 */
export function flagValue(args: string[], name: string): string | undefined {
  const long = `--${name}`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === long || arg === `-${name}`) {
      const next = args[i + 1];
      return next !== undefined && !next.startsWith('-') ? next : 'true';
    }
    if (arg.startsWith(`${long}=`) || arg.startsWith(`-${name}=`)) return arg.slice(arg.indexOf('=') + 1);
  }
  return undefined;
}

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`4h0m0s`, `240m`, `1h30m`, `90s`) in milliseconds; null when it is not one. */
export function parseGoDuration(text: unknown): number | null {
  if (typeof text !== 'string' || !text) return null;
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(trimmed); match; match = re.exec(trimmed)) {
    total += Number(match[1]) * (GO_DURATION_UNITS[match[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === trimmed.length && consumed > 0 ? total : null;
}

/** A duration in words for messages: `3d 4h`, `5h 12m`, `40m`. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}

/** Milliseconds of an ISO timestamp, or null. */
export function timeOf(text: unknown): number | null {
  if (typeof text !== 'string' || text === '') return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** The log files of one pod's container (current and `-previous`), current first. */
export function podLogs(bundle: Bundle, pod: KubeObject, container?: string): LogFile[] {
  return bundle.logs
    .filter(
      (log) =>
        log.pod === pod.metadata.name &&
        (log.namespace === undefined || pod.metadata.namespace === undefined || log.namespace === pod.metadata.namespace) &&
        (container === undefined || log.container === undefined || log.container === container),
    )
    .sort((a, b) => Number(a.previous) - Number(b.previous));
}

/** The last `count` lines of a log file as evidence, with their line numbers. */
export function tailEvidence(log: LogFile, count: number): Evidence[] {
  const numbered = log.tail.map((text, i) => ({ text, line: log.lines - (log.tail.length - 1 - i) }));
  return numbered
    .filter((entry) => entry.text.trim() !== '')
    .slice(-count)
    .map(({ text, line }) => (line > 0 ? { file: log.path, line, text } : { file: log.path, text }));
}

/** Whether an object carries a `true`-valued label or annotation (KOTS and Velero write "true" strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** The KOTS Admin Console is part of the input. */
export function hasKots(bundle: Bundle): boolean {
  return bundle.workloads.kotsadmDeployments.length > 0 || bundle.workloads.kotsadmPods.length > 0 || bundle.versions.kots !== null;
}

/** The Backup a log line names (`backup=velero/nightly-1`, JSON `"backup":"velero/nightly-1"`), if any. */
export function backupRef(text: string, fallbackNamespace: string | null): ObjectRef | undefined {
  const m = /(?:^|[\s{,])(?:backup=|"backup":\s*)"?(?:(?<ns>[\w.-]+)\/)?(?<name>[\w.-]+)/.exec(text);
  if (!m?.groups?.name) return undefined;
  const ns = m.groups.ns ?? fallbackNamespace ?? undefined;
  return ns ? { kind: 'Backup', namespace: ns, name: m.groups.name } : { kind: 'Backup', name: m.groups.name };
}

/** An array field as read from loose input: the array, or empty when the field is missing or not an array. */
export function listOf<T = unknown>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A list of strings (namespaces, names), dropping anything that is not a string. */
export function stringsOf(value: unknown): string[] {
  return listOf(value).filter((v): v is string => typeof v === 'string');
}

/** Per bundle, objects grouped by a label, built once and shared by every rule (hot with 10,000 backups and their PodVolumeBackups). */
const labelIndexes = new WeakMap<Bundle, Map<string, Map<string, KubeObject[]>>>();

/**
 * The objects of `kind` whose `label` has the given value, from an index built on first use per bundle:
 * PodVolumeBackups / DataUploads by `velero.io/backup-name`, Backups by `velero.io/schedule-name`.
 * Objects without the label are listed under `''`.
 */
export function byLabel(bundle: Bundle, kind: string, label: string, value: string): KubeObject[] {
  let indexes = labelIndexes.get(bundle);
  if (!indexes) labelIndexes.set(bundle, (indexes = new Map()));
  const key = `${kind}\u0000${label}`;
  let index = indexes.get(key);
  if (!index) {
    index = new Map();
    for (const o of bundle.objects.list(kind)) {
      const v = o.metadata.labels?.[label] ?? '';
      const list = index.get(v);
      if (list) list.push(o);
      else index.set(v, [o]);
    }
    indexes.set(key, index);
  }
  return index.get(value) ?? [];
}
