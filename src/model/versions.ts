// Versions of Kubernetes, Velero, node-agent, plugins and KOTS, from image tags and whatever else the input holds.
import type { ObjectIndex, PluginVersion, Versions, Workloads } from './bundle.js';
import type { KubeObject } from './kube.js';
import { containersOf } from './workloads.js';

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

export interface VersionHints {
  /** `cluster-info/cluster_version.json` gitVersion. */
  kubernetes?: string;
  /** `velero version` output (velero debug's version.txt): the server's version. */
  veleroServer?: string;
  /** `Starting Velero server vX (…)` in a log's first lines: used only when no image, request or version.txt tells. */
  veleroFromLog?: string;
  /** `Starting Velero node-agent server vX` / `restic server vX`: the node-agent's version, and Velero's as a last resort. */
  nodeAgentFromLog?: string;
}

export function detectVersions(objects: ObjectIndex, workloads: Workloads, hints: VersionHints): Versions {
  return {
    kubernetes: kubernetesVersion(objects, hints),
    velero: veleroVersion(objects, workloads, hints),
    kots: kotsVersion(workloads),
    nodeAgent:
      imageVersion(containerImage(workloads.nodeAgentDaemonSet, ['node-agent', 'restic'])) ??
      imageVersion(workloads.nodeAgentPods.map((p) => containerImage(p, ['node-agent', 'restic'])).find(Boolean)) ??
      normalizeVersion(hints.nodeAgentFromLog),
    plugins: pluginVersions(objects, workloads),
  };
}

function kubernetesVersion(objects: ObjectIndex, hints: VersionHints): string | null {
  const fromCluster = normalizeVersion(hints.kubernetes);
  if (fromCluster) return fromCluster;
  // Nodes may differ during an upgrade: the lowest kubelet is what the cluster guarantees.
  const kubelets = objects
    .list('Node')
    .map((n) => normalizeVersion(n.status?.nodeInfo?.kubeletVersion))
    .filter((v): v is string => v !== null)
    .sort(compareVersions);
  if (kubelets[0]) return kubelets[0];
  for (const backup of objects.list('Backup')) {
    const v = normalizeVersion(backup.metadata.annotations?.['velero.io/source-cluster-k8s-gitversion']);
    if (v) return v;
  }
  return null;
}

function veleroVersion(objects: ObjectIndex, workloads: Workloads, hints: VersionHints): string | null {
  const fromImage =
    imageVersion(containerImage(workloads.veleroDeployment, ['velero'])) ??
    imageVersion(workloads.veleroPods.map((p) => containerImage(p, ['velero'])).find(Boolean));
  if (fromImage) return fromImage;
  const requests = objects
    .list('ServerStatusRequest')
    .filter((r) => r.status?.serverVersion)
    .sort((a, b) => String(b.status?.processedTimestamp ?? '').localeCompare(String(a.status?.processedTimestamp ?? '')));
  const fromRequest = normalizeVersion(requests[0]?.status?.serverVersion);
  if (fromRequest) return fromRequest;
  // The node-agent runs the same image as the server (the install and the Helm chart give them one tag).
  return normalizeVersion(hints.veleroServer) ?? normalizeVersion(hints.veleroFromLog) ?? normalizeVersion(hints.nodeAgentFromLog);
}

function kotsVersion(workloads: Workloads): string | null {
  for (const workload of [...workloads.kotsadmDeployments, ...workloads.kotsadmPods]) {
    const version = imageVersion(containerImage(workload, ['kotsadm']));
    if (version) return version;
  }
  return null;
}

/** Plugins are init containers of the Velero Deployment (image name + tag); else the ServerStatusRequest's list. */
function pluginVersions(objects: ObjectIndex, workloads: Workloads): PluginVersion[] {
  const source = workloads.veleroDeployment ?? workloads.veleroPods[0];
  const plugins: PluginVersion[] = [];
  const seen = new Set<string>();
  for (const c of source ? containersOf(source, true) : []) {
    if (!c.image) continue;
    const { name } = parseImage(c.image);
    if (seen.has(name)) continue;
    seen.add(name);
    plugins.push({ name, version: imageVersion(c.image), image: c.image });
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
