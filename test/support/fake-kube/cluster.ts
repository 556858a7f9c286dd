// A fixture cluster for the fake API server: objects, container logs and object-store downloads, from a folder or built in code.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { KubeObject } from '../../../src/model/kube.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit?: string;
  gitTreeState?: string;
  buildDate?: string;
  goVersion?: string;
  compiler?: string;
  platform?: string;
}

export interface FakeCluster {
  name: string;
  /** The cluster's clock: `sinceSeconds` and object ages are measured from it. */
  now: Date;
  version: VersionInfo;
  objects: KubeObject[];
  /** Container logs by `<ns>/<pod>/<container>` (current) or `<ns>/<pod>/<container>/previous`. */
  logs: Map<string, string>;
  /** What a DownloadRequest's URL serves, uncompressed, by `<targetKind>/<name>` (e.g. `BackupLog/nightly-1`). */
  downloads: Map<string, string>;
  /** How the simulated Velero server answers ServerStatusRequests and DownloadRequests. */
  velero: {
    /** A Velero server that is not running leaves requests in phase New. */
    running: boolean;
    serverVersion?: string;
    plugins?: { name: string; kind: string }[];
  };
}

export function logKey(namespace: string, pod: string, container: string, previous = false): string {
  return `${namespace}/${pod}/${container}${previous ? '/previous' : ''}`;
}

interface ClusterFile {
  name?: string;
  now?: string;
  version?: VersionInfo;
  velero?: FakeCluster['velero'];
  /** Extra object files shared between fixtures, relative to the fixture folder. */
  include?: string[];
}

/**
 * Loads `fixtures/clusters/<name>/`: `cluster.yaml` (clock, /version, Velero server behaviour),
 * `objects/*.yaml` (multi-document YAML, or List objects), `logs/<ns>/<pod>/<container>[-previous].log`
 * and `downloads/<TargetKind>/<name>.<ext>` (what Velero would serve from object storage).
 */
export async function loadFixtureCluster(dir: string): Promise<FakeCluster> {
  const root = resolve(dir);
  const meta = (parse(await readFile(join(root, 'cluster.yaml'), 'utf8')) ?? {}) as ClusterFile;
  const objectFiles = [...(await filesUnder(join(root, 'objects'))), ...(meta.include ?? []).map((f) => resolve(root, f))];
  const objects: KubeObject[] = [];
  for (const file of objectFiles.filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as KubeObject | null;
      if (!value) continue;
      if (value.kind === 'List' || value.kind.endsWith('List')) objects.push(...((value.items as KubeObject[]) ?? []));
      else objects.push(value);
    }
  }
  const logs = new Map<string, string>();
  for (const file of await filesUnder(join(root, 'logs'))) {
    const parts = relative(join(root, 'logs'), file).split(/[\\/]/);
    const [namespace, pod, name] = parts;
    if (parts.length !== 3 || !namespace || !pod || !name?.endsWith('.log')) continue;
    const previous = name.endsWith('-previous.log');
    const container = name.replace(/(-previous)?\.log$/, '');
    logs.set(logKey(namespace, pod, container, previous), await readFile(file, 'utf8'));
  }
  const downloads = new Map<string, string>();
  for (const file of await filesUnder(join(root, 'downloads'))) {
    const [targetKind, name] = relative(join(root, 'downloads'), file).split(/[\\/]/);
    if (!targetKind || !name) continue;
    downloads.set(`${targetKind}/${name.replace(/\.(log|json)$/, '')}`, await readFile(file, 'utf8'));
  }
  return {
    name: meta.name ?? root.split(/[\\/]/).pop() ?? 'cluster',
    now: meta.now ? new Date(meta.now) : new Date(),
    version: meta.version ?? { major: '1', minor: '29', gitVersion: 'v1.29.4', platform: 'linux/amd64' },
    objects,
    logs,
    downloads,
    velero: meta.velero ?? { running: true },
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}
