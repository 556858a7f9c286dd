// Lays a rule case's inputs out as troubleshoot would write them for the `snapshot-doctor spec` SupportBundle.
import { cp, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { dirname, join, posix } from 'node:path';
import type { KubeObject } from '../../src/model/kube.js';
import { VELERO_KINDS, isVeleroKind } from '../../src/model/velero.js';
import { componentFromContent, componentFromFileName } from '../../src/readers/logs.js';
import { detectSingle } from '../../src/readers/single.js';
import { extractObjects, parseDocuments } from '../../src/readers/structured.js';
import { resolveBudget } from '../../src/readers/types.js';
import { LOGS_COLLECTORS } from '../../src/spec/index.js';

/**
 * Built-in kinds troubleshoot's `clusterResources` collector writes, and the folder (namespaced) or
 * file (cluster-scoped) it writes them to (troubleshoot pkg/constants). Kinds not listed (Secrets,
 * CSIDrivers) are not in a troubleshoot bundle.
 */
const CLUSTER_RESOURCES: Record<string, { name: string; namespaced: boolean }> = {
  Pod: { name: 'pods', namespaced: true },
  Deployment: { name: 'deployments', namespaced: true },
  DaemonSet: { name: 'daemonsets', namespaced: true },
  StatefulSet: { name: 'statefulsets', namespaced: true },
  ReplicaSet: { name: 'replicasets', namespaced: true },
  Job: { name: 'jobs', namespaced: true },
  CronJob: { name: 'cronjobs', namespaced: true },
  Event: { name: 'events', namespaced: true },
  PersistentVolumeClaim: { name: 'pvcs', namespaced: true },
  ResourceQuota: { name: 'resource-quota', namespaced: true },
  LimitRange: { name: 'limitranges', namespaced: true },
  ConfigMap: { name: 'configmaps', namespaced: true },
  PersistentVolume: { name: 'pvs', namespaced: false },
  Node: { name: 'nodes', namespaced: false },
  Namespace: { name: 'namespaces', namespaced: false },
  StorageClass: { name: 'storage-classes', namespaced: false },
  CustomResourceDefinition: { name: 'custom-resource-definitions', namespaced: false },
  VolumeAttachment: { name: 'volumeattachments', namespaced: false },
  PriorityClass: { name: 'priorityclasses', namespaced: false },
  ValidatingWebhookConfiguration: { name: 'validatingwebhookconfigurations', namespaced: false },
  MutatingWebhookConfiguration: { name: 'mutatingwebhookconfigurations', namespaced: false },
};

const SNAPSHOT_CRDS: Record<string, string> = {
  VolumeSnapshot: 'volumesnapshots.snapshot.storage.k8s.io',
  VolumeSnapshotClass: 'volumesnapshotclasses.snapshot.storage.k8s.io',
  VolumeSnapshotContent: 'volumesnapshotcontents.snapshot.storage.k8s.io',
};

export interface Layout {
  /** Inputs that a bundle of this spec cannot hold, with why. */
  skipped: { file: string; reason: string }[];
  /** Inputs laid out. */
  used: string[];
}

/** The pod and container a log of this component comes from, under the collector the spec has for it. */
interface LogPlace {
  pod: string;
  container: string;
  collector: string;
}

/**
 * Writes the inputs of `caseDir` into `out` in the layout troubleshoot gives a bundle collected with
 * our spec: objects where `clusterResources` puts them (Lists per namespace, custom resources as bare
 * arrays), pod logs under `cluster-resources/pods/logs/<ns>/<pod>/<container>[-previous].log` with a
 * symlink at the logs collector's `<name>/<pod>/…`. Backup and restore logs and describe output are
 * what a troubleshoot bundle cannot hold: they are skipped, and said so.
 */
export async function layOutAsTroubleshoot(caseDir: string, out: string): Promise<Layout> {
  const layout: Layout = { skipped: [], used: [] };
  const objects: KubeObject[] = [];
  const logs: { file: string; text: string; component: string; previous: boolean }[] = [];
  for (const name of (await readdir(caseDir)).sort()) {
    if (name === 'case.yaml' || name.startsWith('.')) continue;
    const path = join(caseDir, name);
    if ((await stat(path)).isDirectory()) {
      // A bundle already (a case that is a support bundle): troubleshoot wrote it this way.
      await cp(path, out, { recursive: true, verbatimSymlinks: true });
      layout.used.push(name);
      continue;
    }
    const detected = await detectSingle(path);
    if (!detected) {
      layout.skipped.push({ file: name, reason: 'not a log, describe output or kubectl dump' });
      continue;
    }
    const text = await readText(path, detected.gzipped);
    if (detected.format === 'kubectl-dump') {
      objects.push(...extractObjects(parseDocuments(text, resolveBudget(), { yaml: true })).objects);
      layout.used.push(name);
    } else if (detected.format === 'describe') {
      layout.skipped.push({ file: name, reason: 'velero describe output: not in a troubleshoot bundle' });
    } else {
      const component = componentFromFileName(name)?.component ?? componentFromContent(text.slice(0, 64 * 1024)).component;
      if (component === 'backup-log' || component === 'restore-log') {
        layout.skipped.push({ file: name, reason: `a ${component} (kept in object storage): not in a troubleshoot bundle` });
        continue;
      }
      logs.push({ file: name, text, component, previous: /-previous\.log(?:\.gz)?$/.test(name) });
      layout.used.push(name);
    }
  }
  await writeObjects(out, objects);
  const veleroNamespace = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'velero')?.metadata.namespace ?? 'velero';
  const kotsadmNamespace = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'kotsadm')?.metadata.namespace ?? 'default';
  for (const log of logs) {
    const place = logPlace(log.component, log.file, objects);
    const namespace = log.component === 'kotsadm' ? kotsadmNamespace : veleroNamespace;
    const file = `${place.container}${log.previous ? '-previous' : ''}.log`;
    const canonical = join('cluster-resources', 'pods', 'logs', namespace, place.pod, file);
    await put(out, canonical, log.text);
    const alias = posix.join(place.collector, place.pod, file);
    await mkdir(join(out, dirname(alias)), { recursive: true });
    await symlink(posix.relative(posix.dirname(alias), canonical.split('\\').join('/')), join(out, alias)).catch(() => {});
  }
  await put(out, 'version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n');
  return layout;
}

async function readText(path: string, gzipped: boolean): Promise<string> {
  const data = await readFile(path);
  if (!gzipped) return data.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from([data]).pipe(createGunzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The collector `name` the spec gives the pods of a component (their logs' symlink folder). */
function collectorFor(selector: string): string {
  const found = LOGS_COLLECTORS.find((c) => c.logs.selector.join(',') === selector);
  if (!found) throw new Error(`the spec has no logs collector for ${selector}`);
  return found.logs.name;
}

/** Which pod wrote a log of this component: the case's own pod when it has one, else one named as Velero names it. */
function logPlace(component: string, file: string, objects: KubeObject[]): LogPlace {
  const pods = objects.filter((o) => o.kind === 'Pod');
  const podWith = (container: string) =>
    pods.find((p) => ((p.spec?.containers ?? []) as { name: string }[]).some((c) => c.name === container))?.metadata.name;
  switch (component) {
    case 'node-agent': {
      const container = /restic/.test(file) ? 'restic' : 'node-agent';
      return { pod: podWith(container) ?? `${container}-7xk2p`, container, collector: collectorFor('component=velero') };
    }
    case 'kotsadm':
      return { pod: podWith('kotsadm') ?? 'kotsadm-6c9d8f7b5-m4n2p', container: 'kotsadm', collector: collectorFor('app=kotsadm') };
    case 'maintenance':
      return { pod: 'default-default-kopia-5r9tq-maintain-job-1718841600-x2x9k', container: 'velero-repo-maintenance-container', collector: collectorFor('velero.io/repo-name') };
    case 'data-mover':
      return { pod: 'backup-1-9d2xl', container: 'backup-1-9d2xl', collector: collectorFor('velero.io/data-upload') };
    default:
      return { pod: podWith('velero') ?? 'velero-5d8f9c7b6-x2x9k', container: 'velero', collector: collectorFor('component=velero') };
  }
}

/** Objects where troubleshoot's clusterResources collector writes them; kinds it does not collect are left out. */
async function writeObjects(out: string, objects: KubeObject[]): Promise<void> {
  const files = new Map<string, { list?: string; items: KubeObject[] }>();
  const add = (path: string, object: KubeObject, list?: string) => {
    const file = files.get(path) ?? { list, items: [] };
    file.items.push(object);
    files.set(path, file);
  };
  for (const object of objects) {
    const namespace = object.metadata.namespace;
    if (isVeleroKind(object.kind)) {
      const crd = `${VELERO_KINDS[object.kind].plural}.velero.io`;
      add(namespace ? `cluster-resources/custom-resources/${crd}/${namespace}.json` : `cluster-resources/custom-resources/${crd}.json`, object);
    } else if (SNAPSHOT_CRDS[object.kind]) {
      const crd = SNAPSHOT_CRDS[object.kind]!;
      add(namespace ? `cluster-resources/custom-resources/${crd}/${namespace}.json` : `cluster-resources/custom-resources/${crd}.json`, object);
    } else if (CLUSTER_RESOURCES[object.kind]) {
      const { name, namespaced } = CLUSTER_RESOURCES[object.kind]!;
      add(namespaced ? `cluster-resources/${name}/${namespace ?? 'default'}.json` : `cluster-resources/${name}.json`, object, `${object.kind}List`);
    }
  }
  for (const [path, file] of files) {
    // Custom resources: a bare array; built-in kinds: a List whose items lack kind and apiVersion.
    const body = file.list
      ? { kind: file.list, apiVersion: 'v1', metadata: {}, items: file.items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest) }
      : file.items;
    await put(out, path, JSON.stringify(body, null, 2));
  }
}

async function put(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

