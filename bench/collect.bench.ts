// collect() against a generated cluster of 5,000 backups, 20,000 PodVolumeBackups and 50 pods, with 20 ms added to every API call.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectedEntry, CollectIssue } from '../src/collect/options.js';
import type { KubeObject } from '../src/model/kube.js';
import { loadFixtureCluster, logKey, type FakeCluster } from '../test/support/fake-kube/cluster.js';
import { FakeKube } from '../test/support/fake-kube/server.js';

// The collector runs in a process of its own, on the built code as `snapshot-doctor collect` runs
// (bench/run.mjs builds first); SD_BENCH_SRC=1 runs the sources under tsx instead.
const COLLECTOR = fileURLToPath(new URL('./lib/collect-once.mjs', import.meta.url));

const BACKUPS = 5000;
const POD_VOLUME_BACKUPS = 20_000;
const PODS = 50;
const LATENCY_MS = 20;
const CONCURRENCY = 8;
const TARGET_RATIO = 1.5;
const LIMIT_SECONDS = 60;

/** The CRDs and /version of the fixture cluster, with generated Velero objects, pods and logs. */
async function generateCluster(): Promise<FakeCluster> {
  const base = await loadFixtureCluster('fixtures/clusters/kots-bsl-denied');
  const objects: KubeObject[] = base.objects.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace' || o.kind === 'Node');
  const logs = new Map<string, string>();
  const downloads = new Map<string, string>();
  const time = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const logLine = (i: number, msg: string) => `time="${time(i)}" level=info msg="${msg}" logSource="pkg/controller/backup_controller.go:${i % 900}"\n`;

  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'velero', namespace: 'velero', labels: { component: 'velero' } },
    spec: { template: { spec: { containers: [{ name: 'velero', image: 'velero/velero:v1.13.2' }] } } },
  });
  objects.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'node-agent', namespace: 'velero', labels: { component: 'velero' } }, spec: {} });
  objects.push({
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: 'velero' },
    spec: { provider: 'aws', default: true, objectStorage: { bucket: 'b' } },
    status: { phase: 'Available' },
  });
  for (let i = 0; i < PODS; i += 1) {
    const name = i === 0 ? 'velero-6f5b7c9d4-8kqzn' : `node-agent-${String(i).padStart(5, '0')}`;
    const container = i === 0 ? 'velero' : 'node-agent';
    const restarted = i % 10 === 1;
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'velero', labels: { component: 'velero', ...(i === 0 ? { deploy: 'velero' } : { name: 'node-agent' }) } },
      spec: { nodeName: 'node-a', containers: [{ name: container, image: 'velero/velero:v1.13.2' }] },
      status: { phase: 'Running', containerStatuses: [{ name: container, restartCount: restarted ? 1 : 0, state: { running: {} } }] },
    });
    const text = Array.from({ length: 400 }, (_, n) => logLine(n, `processing item ${n} of pod ${name}`)).join('');
    logs.set(logKey('velero', name, container), text);
    if (restarted) logs.set(logKey('velero', name, container, true), text);
  }
  for (let i = 0; i < BACKUPS; i += 1) {
    const name = `daily-${String(i).padStart(5, '0')}`;
    const phase = i % 100 === 7 ? 'PartiallyFailed' : i % 250 === 3 ? 'Failed' : 'Completed';
    objects.push({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name, namespace: 'velero', labels: { 'velero.io/schedule-name': 'daily' } },
      spec: { includedNamespaces: ['app'], storageLocation: 'default', defaultVolumesToFsBackup: true },
      status: { phase, startTimestamp: time(i), completionTimestamp: time(i), errors: phase === 'Completed' ? 0 : 1 },
    });
    if (phase !== 'Completed') {
      downloads.set(`BackupLog/${name}`, Array.from({ length: 200 }, (_, n) => logLine(n, `backing up item ${n}`)).join(''));
      downloads.set(`BackupResults/${name}`, '{"errors":{"namespaces":{"app":["pod volume backup failed"]}}}');
    }
  }
  for (let i = 0; i < POD_VOLUME_BACKUPS; i += 1) {
    const backup = `daily-${String(i % BACKUPS).padStart(5, '0')}`;
    objects.push({
      apiVersion: 'velero.io/v1',
      kind: 'PodVolumeBackup',
      metadata: { name: `${backup}-${i}`, namespace: 'velero', labels: { 'velero.io/backup-name': backup } },
      spec: { node: 'node-a', pod: { kind: 'Pod', namespace: 'app', name: `app-${i % 40}` }, volume: 'data', backupStorageLocation: 'default', uploaderType: 'kopia' },
      status: { phase: 'Completed', snapshotID: `${i.toString(16)}abcdef`, progress: { totalBytes: 1_000_000, bytesDone: 1_000_000 } },
    });
  }
  return { ...base, objects, logs, downloads };
}

/**
 * The fake API server runs in a child process, as a real one runs elsewhere: its JSON encoding of
 * 20,000 objects must not compete with the collector for the same event loop.
 */
async function serve(): Promise<void> {
  const fake = await FakeKube.start(await generateCluster(), { latencyMs: LATENCY_MS, processDelayMs: 5 });
  const kubeconfig = await fake.writeKubeconfig(process.env.SD_BENCH_DIR ?? tmpdir());
  const cpuAtStart = process.cpuUsage();
  process.on('message', (message) => {
    if (message === 'requests') {
      if (process.env.SD_BENCH_TIMELINE) {
        // Debug aid: when each request arrived (ms from the first), how long it took, and what it was.
        const t0 = fake.requests[0]?.at ?? 0;
        for (const r of fake.requests) console.error(String(r.at - t0).padStart(5), String(r.doneAt - r.at).padStart(4), r.method, r.path, r.query.continue ? '(continue)' : '');
      }
      // The floor set by the server alone: the longest list's pages, one after another, as the server
      // took to answer each (20 ms added plus its own encoding), after the round trips that must precede them.
      const serverMs = (path: string) => fake.requests.filter((r) => r.path === path).reduce((sum, r) => sum + r.doneAt - r.at, 0);
      const lists = new Set(fake.requests.filter((r) => r.query.continue).map((r) => r.path));
      const longest = Math.max(0, ...[...lists].map(serverMs));
      const cpu = process.cpuUsage(cpuAtStart);
      // /version and discovery go out together; a server without aggregated discovery adds a round trip per group version.
      const chainMs = Math.max(serverMs('/version'), serverMs('/apis')) + serverMs('/apis/velero.io/v1') + longest;
      const answeringMs = fake.requests.reduce((sum, r) => sum + r.doneAt - r.at, 0);
      // What the baseline replays: the same requests in the same order (a creation or deletion as a GET of /version).
      const replay = fake.requests.map((r) => (r.method === 'GET' ? `${r.path}?${new URLSearchParams(r.query).toString()}` : '/version'));
      process.send?.({ requests: fake.requests.length, serverCpuMs: (cpu.user + cpu.system) / 1000, chainMs, answeringMs, replay });
    }
    if (message === 'stop') void fake.close().then(() => process.exit(0));
  });
  process.send?.({ kubeconfig, requests: fake.requests.length });
}

function ask<T>(child: ChildProcess, message?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (answer) => resolve(answer as T));
    child.once('exit', (code) => reject(new Error(`a bench child process (${child.spawnargs.at(-1) ?? ''}) exited (${code})`)));
    if (message !== undefined) child.send(message as object);
  });
}

/**
 * What the given requests cost, CONCURRENCY at a time in the given order, against the same server
 * under the same load, answers read and thrown away: the floor this machine and server set.
 */
async function baseline(kubeconfig: string, paths: string[]): Promise<number> {
  const config = await readFile(kubeconfig, 'utf8');
  const server = /server: (\S+)/.exec(config)?.[1] ?? '';
  const token = /token: (\S+)/.exec(config)?.[1];
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      http.get(`${server}${path}`, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < paths.length) {
        const path = paths[next] ?? '/version';
        next += 1;
        await get(path);
      }
    }),
  );
  agent.destroy();
  return performance.now() - started;
}

interface CollectRun {
  wallMs: number;
  cpuMs: number;
  collected: CollectedEntry[];
  errors: CollectIssue[];
  requests: number;
  error?: string;
}

/** One collect() in a fresh process (bench/lib/collect-once.mjs). */
async function collectOnce(kubeconfig: string, output: string): Promise<CollectRun> {
  const child = fork(COLLECTOR, [], { execArgv: process.env.SD_BENCH_SRC ? ['--import', 'tsx'] : [] });
  await ask(child);
  const run = await ask<CollectRun>(child, { kubeconfig, output, concurrency: CONCURRENCY });
  if (run.error) throw new Error(`collect failed: ${run.error}`);
  return run;
}

async function measure(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-bench-collect-'));
  const server = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, SD_BENCH_ROLE: 'server', SD_BENCH_DIR: dir } });
  try {
    const { kubeconfig, requests: before } = await ask<{ kubeconfig: string; requests: number }>(server);
    const output = join(dir, 'bundle.tar.gz');
    const run = await collectOnce(kubeconfig, output);
    const wallMs = run.wallMs;
    const { requests: after, chainMs, serverCpuMs, answeringMs, replay } = await ask<{ requests: number; chainMs: number; serverCpuMs: number; answeringMs: number; replay: string[] }>(
      server,
      'requests',
    );
    const requests = after - before;
    const emptyMs = await baseline(kubeconfig, replay.map(() => '/version'));
    const replayMs = await baseline(kubeconfig, replay);
    const idealMs = (requests * LATENCY_MS) / CONCURRENCY;
    const ratio = wallMs / idealMs;
    const count = (what: string) => run.collected.find((c) => c.what === what)?.count ?? 0;
    console.log(`collector: ${process.env.SD_BENCH_SRC ? 'src/ under tsx' : 'dist/'}, in a process of its own`);
    console.log(`cluster: ${count('backups.velero.io')} backups, ${count('podvolumebackups.velero.io')} pod volume backups, ${count('pods')} pods, ${count('pod logs')} pod logs, ${count('backup logs')} backup logs`);
    console.log(`errors recorded: ${run.errors.length}`);
    console.log(`bundle: ${((await stat(output)).size / 1e6).toFixed(1)} MB`);
    console.log(`requests made: ${requests} (collector counted ${run.requests}), ${LATENCY_MS} ms added to each, concurrency ${CONCURRENCY}`);
    console.log(`wall time: ${(wallMs / 1000).toFixed(2)} s (collector CPU ${(run.cpuMs / 1000).toFixed(2)} s, server CPU ${(serverCpuMs / 1000).toFixed(2)} s; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`);
    console.log(`requests x ${LATENCY_MS} ms / concurrency: ${(idealMs / 1000).toFixed(2)} s`);
    console.log(`ratio: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}); under ${LIMIT_SECONDS} s: ${wallMs < LIMIT_SECONDS * 1000 ? 'yes' : 'NO'}`);
    console.log(
      `longest chain of round trips (discovery, then every page of the biggest list), as long as the server took over each: ${(chainMs / 1000).toFixed(2)} s (${(chainMs / idealMs).toFixed(2)} x the ideal); wall / chain: ${(wallMs / chainMs).toFixed(2)}`,
    );
    console.log(
      `the server's answers took ${(answeringMs / requests).toFixed(1)} ms on average (${LATENCY_MS} added); all of them, ${CONCURRENCY} at a time: ${(answeringMs / CONCURRENCY / 1000).toFixed(2)} s (${(answeringMs / CONCURRENCY / idealMs).toFixed(2)} x the ideal)`,
    );
    console.log(
      `baselines on this machine now, ${CONCURRENCY} at a time: ${requests} empty answers ${(emptyMs / 1000).toFixed(2)} s (${(emptyMs / idealMs).toFixed(2)} x the ideal); the same ${requests} requests replayed, answers thrown away, ${(replayMs / 1000).toFixed(2)} s (${(replayMs / idealMs).toFixed(2)} x); collect / replay: ${(wallMs / replayMs).toFixed(2)}`,
    );
    if (count('backups.velero.io') !== BACKUPS || count('podvolumebackups.velero.io') !== POD_VOLUME_BACKUPS) {
      console.log('FAILED: not everything was collected');
      process.exitCode = 1;
    } else if (ratio > TARGET_RATIO || wallMs >= LIMIT_SECONDS * 1000) {
      console.log('FAILED: slower than the target');
      process.exitCode = 1;
    }
  } finally {
    server.send('stop');
    await new Promise((resolve) => server.once('exit', resolve));
    if (process.env.SD_BENCH_KEEP) console.log(`kept ${dir}`); else await rm(dir, { recursive: true, force: true });
  }
}

if (process.env.SD_BENCH_ROLE === 'server') await serve();
else await measure();
