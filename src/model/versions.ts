// Versions of Kubernetes, Velero, node-agent, plugins and KOTS, from image tags and whatever else the input holds.
import type { LogFile, LogStartup, ObjectIndex, PluginVersion, VersionSource, VersionSources, Versions, Workloads } from './bundle.js';
import type { KubeObject } from './kube.js';
import { containersOf } from './workloads.js';
import { byCodeUnits } from '../util/compare.js';
import { formatTimestamp } from '../util/words.js';

/** `v1.13.2`, `1.13`, `v1.29.4+k3s1`, `v1.29.4-eks-036c24b`, `1.13.2-rc.1` → `1.13.2` (x.y.z, for range checks); null otherwise. */
export function normalizeVersion(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw);
  if (!m) return null;
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}`;
}

/** The repository name and tag of an image, whatever the registry, port or digest: `host:5000/a/velero:v1.13.2@sha256:…`. */
export function parseImage(image: string): { name: string; tag: string | null } {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1);
  const colon = last.indexOf(':');
  return colon >= 0 ? { name: last.slice(0, colon), tag: last.slice(colon + 1) || null } : { name: last, tag: null };
}

/** The version in an image tag (`v1.9.2`, `1.9.2-ubi`, `release-1.13`), or null (`latest`, digest only). */
export function imageVersion(image: string | undefined): string | null {
  if (!image) return null;
  const { tag } = parseImage(image);
  if (!tag) return null;
  return normalizeVersion(tag) ?? normalizeVersion(/\d+\.\d+(?:\.\d+)?/.exec(tag)?.[0]);
}

function containerImage(workload: KubeObject | undefined, names: string[]): string | undefined {
  if (!workload) return undefined;
  return containersOf(workload).find((c) => c.name !== undefined && names.includes(c.name))?.image;
}

/** A version some file stated outright, and where. */
export interface VersionHint {
  version: string;
  source: VersionSource;
}

export interface VersionHints {
  /** `cluster-info/cluster_version.json` gitVersion, or a collect manifest's. */
  kubernetes?: VersionHint;
  /** `velero version` output (velero debug's version.txt), or a collect manifest's server status: the server's version. */
  veleroServer?: VersionHint;
}

interface Found {
  version: string;
  source: VersionSource;
}

function hinted(hint: VersionHint | undefined): Found | undefined {
  const version = normalizeVersion(hint?.version);
  return version && hint ? { version, source: hint.source } : undefined;
}

function fromImage(workload: KubeObject | undefined, names: string[], sourceOf: (o: KubeObject) => string | undefined): Found | undefined {
  const image = containerImage(workload, names);
  const version = imageVersion(image);
  if (!version || !workload || !image) return undefined;
  const source: VersionSource = { from: 'image', detail: image };
  const file = sourceOf(workload);
  if (file) source.file = file;
  return { version, source };
}

/**
 * The start-up line of this program that tells the most about the present: the newest by time, and a
 * running container's log before a previous run's. Lines without a time come after timed ones.
 */
export function newestStartup(logs: readonly LogFile[], program: LogStartup['program']): { log: LogFile; startup: LogStartup } | undefined {
  let best: { log: LogFile; startup: LogStartup } | undefined;
  const rank = (c: { log: LogFile; startup: LogStartup }) => [c.startup.time ?? '', c.log.previous ? 0 : 1] as const;
  for (const log of logs) {
    for (const startup of log.startups ?? []) {
      if (startup.program !== program) continue;
      const candidate = { log, startup };
      if (!best) {
        best = candidate;
        continue;
      }
      const [t, live] = rank(candidate);
      const [bt, blive] = rank(best);
      if (t > bt || (t === bt && live > blive)) best = candidate;
    }
  }
  return best;
}

function fromStartup(logs: readonly LogFile[], program: LogStartup['program']): Found | undefined {
  const newest = newestStartup(logs, program);
  if (!newest) return undefined;
  return { version: newest.startup.version, source: { from: 'start-up line', file: newest.log.path, detail: `line ${newest.startup.line}` } };
}

export function detectVersions(
  objects: ObjectIndex,
  workloads: Workloads,
  hints: VersionHints,
  logs: readonly LogFile[] = [],
  sourceOf: (o: KubeObject) => string | undefined = () => undefined,
): Versions {
  const nodeAgent =
    fromImage(workloads.nodeAgentDaemonSet, ['node-agent', 'restic'], sourceOf) ??
    workloads.nodeAgentPods.map((p) => fromImage(p, ['node-agent', 'restic'], sourceOf)).find(Boolean) ??
    fromStartup(logs, 'node-agent');
  const found = {
    kubernetes: kubernetesVersion(objects, hints, sourceOf),
    velero: veleroVersion(objects, workloads, hints, logs, sourceOf),
    kots: kotsVersion(objects, workloads, sourceOf),
    nodeAgent,
  };
  const sources: VersionSources = {};
  for (const key of ['kubernetes', 'velero', 'kots', 'nodeAgent'] as const) {
    const f = found[key];
    if (f) sources[key] = f.source;
  }
  return {
    kubernetes: found.kubernetes?.version ?? null,
    velero: found.velero?.version ?? null,
    kots: found.kots?.version ?? null,
    nodeAgent: found.nodeAgent?.version ?? null,
    plugins: pluginVersions(objects, workloads, sourceOf),
    sources,
  };
}

function kubernetesVersion(objects: ObjectIndex, hints: VersionHints, sourceOf: (o: KubeObject) => string | undefined): Found | undefined {
  const fromCluster = hinted(hints.kubernetes);
  if (fromCluster) return fromCluster;
  // Nodes may differ during an upgrade: the lowest kubelet is what the cluster guarantees.
  const kubelets = objects
    .list('Node')
    .map((n) => ({ node: n, version: normalizeVersion(n.status?.nodeInfo?.kubeletVersion) }))
    .filter((k): k is { node: KubeObject; version: string } => k.version !== null)
    .sort((a, b) => compareVersions(a.version, b.version));
  const lowest = kubelets[0];
  if (lowest) return { version: lowest.version, source: withFile({ from: 'node', detail: `Node ${lowest.node.metadata.name}` }, sourceOf(lowest.node)) };
  for (const backup of objects.list('Backup')) {
    const v = normalizeVersion(backup.metadata.annotations?.['velero.io/source-cluster-k8s-gitversion']);
    if (v) return { version: v, source: withFile({ from: 'annotation', detail: `Backup ${backup.metadata.name}: velero.io/source-cluster-k8s-gitversion` }, sourceOf(backup)) };
  }
  return undefined;
}

function withFile(source: VersionSource, file: string | undefined): VersionSource {
  return file ? { ...source, file } : source;
}

/**
 * The Velero server's version: the image tag; else the newest server start-up line of any log (a
 * digest-pinned image has no tag); else a ServerStatusRequest, `velero version`, the collect manifest;
 * else the node-agent's start-up line (the install and the Helm chart give both one image). A Backup's
 * `status.version` is the backup format's version, not Velero's, and no annotation records Velero's.
 */
function veleroVersion(objects: ObjectIndex, workloads: Workloads, hints: VersionHints, logs: readonly LogFile[], sourceOf: (o: KubeObject) => string | undefined): Found | undefined {
  const image = fromImage(workloads.veleroDeployment, ['velero'], sourceOf) ?? workloads.veleroPods.map((p) => fromImage(p, ['velero'], sourceOf)).find(Boolean);
  if (image) return image;
  const started = fromStartup(logs, 'server');
  if (started) return started;
  const requests = objects
    .list('ServerStatusRequest')
    .filter((r) => r.status?.serverVersion)
    .sort((a, b) => byCodeUnits(String(b.status?.processedTimestamp ?? ''), String(a.status?.processedTimestamp ?? '')));
  const request = requests[0];
  const fromRequest = normalizeVersion(request?.status?.serverVersion);
  if (fromRequest && request) return { version: fromRequest, source: withFile({ from: 'ServerStatusRequest', detail: `ServerStatusRequest ${request.metadata.name}` }, sourceOf(request)) };
  return hinted(hints.veleroServer) ?? fromStartup(logs, 'node-agent');
}

/** kotsadm's image tag; else the `kots.io/kotsadm-image` annotation KOTS puts on its instance backups (the newest). */
function kotsVersion(objects: ObjectIndex, workloads: Workloads, sourceOf: (o: KubeObject) => string | undefined): Found | undefined {
  for (const workload of [...workloads.kotsadmDeployments, ...workloads.kotsadmPods]) {
    const found = fromImage(workload, ['kotsadm'], sourceOf);
    if (found) return found;
  }
  const backups = objects
    .list('Backup')
    .filter((b) => typeof b.metadata.annotations?.['kots.io/kotsadm-image'] === 'string')
    .sort((a, b) => byCodeUnits(String(b.metadata.creationTimestamp ?? ''), String(a.metadata.creationTimestamp ?? '')));
  for (const backup of backups) {
    const image = backup.metadata.annotations!['kots.io/kotsadm-image']!;
    const version = imageVersion(image);
    if (version) return { version, source: withFile({ from: 'annotation', detail: `Backup ${backup.metadata.name}: kots.io/kotsadm-image=${image}` }, sourceOf(backup)) };
  }
  return undefined;
}

/** Plugins are init containers of the Velero Deployment (image name + tag); else the ServerStatusRequest's list. */
function pluginVersions(objects: ObjectIndex, workloads: Workloads, sourceOf: (o: KubeObject) => string | undefined): PluginVersion[] {
  const source = workloads.veleroDeployment ?? workloads.veleroPods[0];
  const plugins: PluginVersion[] = [];
  const seen = new Set<string>();
  for (const c of source ? containersOf(source, true) : []) {
    if (!c.image) continue;
    const { name } = parseImage(c.image);
    if (seen.has(name)) continue;
    seen.add(name);
    const version = imageVersion(c.image);
    const plugin: PluginVersion = { name, version, image: c.image };
    if (version) plugin.source = withFile({ from: 'image', detail: c.image }, sourceOf(source!));
    plugins.push(plugin);
  }
  if (plugins.length > 0) return plugins;
  for (const request of objects.list('ServerStatusRequest')) {
    for (const p of (request.status?.plugins ?? []) as { name?: string; kind?: string }[]) {
      // The built-in item actions (velero.io/pod, velero.io/pv…) are not plugins anyone installed.
      const provider = p.kind === 'ObjectStore' || p.kind === 'VolumeSnapshotter' || !p.name?.startsWith('velero.io/');
      if (!p.name || !provider || seen.has(p.name)) continue;
      seen.add(p.name);
      plugins.push({ name: p.name, version: null });
    }
  }
  return plugins;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Which Velero wrote a log line: each log is judged by the Velero that wrote it, not by the bundle's
 * present version (a log saved before an upgrade beside a bundle from today). In order: the log's own
 * start-up line at or before the line (the first one when the line comes before any); else the server
 * start-up, in any log of the input, in effect at the log's time; else unknown (the caller falls back
 * to the bundle's version).
 */
export class VersionTimeline {
  /** Server and node-agent starts with a time, oldest first (both run the one Velero image). */
  private readonly starts: { time: string; version: string }[];
  private readonly byFile = new WeakMap<LogFile, string | null>();

  constructor(logs: readonly LogFile[]) {
    this.starts = logs
      .flatMap((log) => (log.startups ?? []).filter((s) => s.time).map((s) => ({ time: normalTime(s.time!), version: s.version })))
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  /** The Velero version that wrote line `line` of `file` (1-based), or null when the input does not tell. */
  versionAt(file: LogFile, line: number): string | null {
    const own = file.startups;
    if (own && own.length > 0) {
      let version = own[0]!.version;
      for (const s of own) if (s.line <= line) version = s.version;
      return version;
    }
    let found = this.byFile.get(file);
    if (found === undefined) {
      found = file.firstTime ? this.inEffectAt(normalTime(file.firstTime)) : null;
      this.byFile.set(file, found);
    }
    return found;
  }

  private inEffectAt(time: string): string | null {
    let version: string | null = null;
    for (const s of this.starts) {
      if (s.time > time) break;
      version = s.version;
    }
    return version;
  }
}

/** RFC 3339 times compare as text only in one form: UTC, whole seconds. */
function normalTime(time: string): string {
  const t = Date.parse(time);
  return Number.isNaN(t) ? time : formatTimestamp(t);
}
