// Shared by the collector tests: a fake cluster with a kubeconfig in a temp dir, and a bundle read back into memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { loadFixtureCluster, type FakeCluster } from '../support/fake-kube/cluster.js';
import { FakeKube, type FakeKubeOptions } from '../support/fake-kube/server.js';

export const FIXTURE = 'fixtures/clusters/kots-bsl-denied';

export interface FakeEnv {
  fake: FakeKube;
  dir: string;
  kubeconfig: string;
}

/** Starts a fake API server for a fixture cluster, runs `fn`, and cleans everything up. */
export async function withFake<T>(
  fn: (env: FakeEnv) => Promise<T>,
  options: FakeKubeOptions & { fixture?: string; cluster?: (cluster: FakeCluster) => void } = {},
): Promise<T> {
  const cluster = await loadFixtureCluster(options.fixture ?? FIXTURE);
  options.cluster?.(cluster);
  const fake = await FakeKube.start(cluster, options);
  const dir = await mkdtemp(join(tmpdir(), 'sd-collect-'));
  try {
    const kubeconfig = await fake.writeKubeconfig(dir);
    return await fn({ fake, dir, kubeconfig });
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file of a .tar.gz by its path below the top-level folder, and symlinks by target. */
export async function readBundle(path: string): Promise<{ root: string; files: Map<string, string>; links: Map<string, string> }> {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  let root = '';
  await tar.t({
    file: path,
    onReadEntry: (entry) => {
      const [top = '', ...rest] = entry.path.split('/');
      root = top;
      const relative = rest.join('/');
      if (entry.type === 'SymbolicLink') {
        links.set(relative, entry.linkpath ?? '');
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(relative, Buffer.concat(chunks).toString('utf8')));
    },
  });
  return { root, files, links };
}

export function json<T = unknown>(files: Map<string, string>, path: string): T {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} is not in the bundle (it has: ${[...files.keys()].sort().join(', ')})`);
  return JSON.parse(text) as T;
}
