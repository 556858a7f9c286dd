// The fake API server speaks the Kubernetes protocol: Debian's kubectl works against it, and the details collect relies on hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { withFake, type FakeEnv } from './helpers.js';

const run = promisify(execFile);
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const SKIP = KUBECTL ? false : 'kubectl is not installed (apt-get install kubernetes-client); CI installs it and runs these';

test('kubectl is available in CI', { skip: !IN_CI && 'only checked in CI' }, () => {
  assert.ok(KUBECTL, 'CI must install kubectl (.ci/run installs the kubernetes-client package)');
});

async function kubectl(env: FakeEnv, ...args: string[]): Promise<string> {
  const home = join(env.dir, 'home');
  await mkdir(home, { recursive: true });
  const { stdout } = await run('kubectl', ['--kubeconfig', env.kubeconfig, '--cache-dir', join(home, 'cache'), ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
    timeout: 30_000,
  });
  return stdout;
}

for (const discovery of ['aggregated', 'legacy'] as const) {
  test(`kubectl api-resources lists the built-in and Velero resources from ${discovery} discovery`, { skip: SKIP }, async () => {
    await withFake(
      async (env) => {
        const out = await kubectl(env, 'api-resources');
        assert.match(out, /^backupstoragelocations\s+bsl\s+velero\.io\/v1\s+true\s+BackupStorageLocation$/m);
        assert.match(out, /^datauploads\s+velero\.io\/v2alpha1\s+true\s+DataUpload$/m);
        assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
        assert.match(out, /^volumesnapshotclasses\s+vsclass,vsclasses\s+snapshot\.storage\.k8s\.io\/v1\s+false\s+VolumeSnapshotClass$/m);
        assert.equal(await kubectl(env, 'api-resources', '--api-group=velero.io', '-o', 'name').then((o) => o.trim().split('\n').length), 13);
        // kubectl takes the aggregated answer as it is, or falls back to asking each group version.
        const perGroup = env.fake.requests.filter((r) => r.path === '/apis/velero.io/v1').length;
        if (discovery === 'aggregated') assert.equal(perGroup, 0);
        else assert.ok(perGroup > 0);
      },
      { discovery },
    );
  });
}

test('kubectl get reads lists (paginated with --chunk-size), single objects and short names', { skip: SKIP }, async () => {
  await withFake(async (env) => {
    const names = await kubectl(env, 'get', 'backups.velero.io', '-n', 'velero', '--chunk-size=1', '-o', 'name');
    assert.deepEqual(names.trim().split('\n'), ['backup.velero.io/instance-2qh8c', 'backup.velero.io/instance-5tk9r', 'backup.velero.io/instance-7vd5p']);
    assert.ok(env.fake.requests.some((r) => r.path === '/apis/velero.io/v1/namespaces/velero/backups' && r.query.continue));
    const phase = await kubectl(env, 'get', 'bsl', 'default', '-n', 'velero', '-o', 'jsonpath={.status.phase}');
    assert.equal(phase, 'Unavailable');
    const pods = JSON.parse(await kubectl(env, 'get', 'pods', '-A', '-l', 'component=velero', '-o', 'json')) as { items: { metadata: { name: string } }[] };
    assert.equal(pods.items.length, 3);
    const table = await kubectl(env, 'get', 'nodes');
    assert.match(table, /^NAME\s+AGE/);
    assert.match(table, /^node-b\s/m);
    await assert.rejects(kubectl(env, 'get', 'backup', 'nope', '-n', 'velero'), /NotFound|not found/);
  });
});

test('kubectl logs reads current and previous container logs, with --since, --tail and --limit-bytes', { skip: SKIP }, async () => {
  await withFake(async (env) => {
    const current = await kubectl(env, 'logs', '-n', 'velero', 'velero-6f5b7c9d4-8kqzn', '-c', 'velero');
    assert.match(current, /Starting Velero server v1\.13\.2/);
    const previous = await kubectl(env, 'logs', '-n', 'velero', 'node-agent-4xq7w', '--previous');
    assert.match(previous, /PodVolumeBackup starting/);
    const tail = await kubectl(env, 'logs', '-n', 'velero', 'velero-6f5b7c9d4-8kqzn', '-c', 'velero', '--tail=1');
    assert.equal(tail.trim().split('\n').length, 1);
    const since = await kubectl(env, 'logs', '-n', 'velero', 'velero-6f5b7c9d4-8kqzn', '-c', 'velero', '--since=2h');
    assert.equal(since.trim().split('\n').length, 1);
    const bytes = await kubectl(env, 'logs', '-n', 'velero', 'velero-6f5b7c9d4-8kqzn', '-c', 'velero', '--limit-bytes=10');
    assert.equal(bytes, 'time="2024');
    await assert.rejects(kubectl(env, 'logs', '-n', 'velero', 'node-agent-p9m2d', '--previous'), /previous terminated container/);
  });
});

test('kubectl sees the fault injected for a path', { skip: SKIP }, async () => {
  await withFake(async (env) => {
    env.fake.fault('/apis/velero.io/v1/namespaces/velero/backups', { status: 403 });
    await assert.rejects(kubectl(env, 'get', 'backups', '-n', 'velero'), /Forbidden|forbidden/);
  });
});

test('ServerStatusRequests and DownloadRequests are processed by the simulated Velero server', async () => {
  await withFake(async ({ fake }) => {
    const post = async (plural: string, body: unknown) =>
      (await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/${plural}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<{
        metadata: { name: string };
      }>;
    const ssr = await post('serverstatusrequests', { metadata: { generateName: 't-' } });
    await post('downloadrequests', { metadata: { name: 'dr1' }, spec: { target: { kind: 'BackupLog', name: 'instance-2qh8c' } } });
    assert.match(ssr.metadata.name, /^t-\w{5}$/);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const get = async (plural: string, name: string) =>
      (await (await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/${plural}/${name}`)).json()) as { status?: Record<string, unknown> };
    const processed = await get('serverstatusrequests', ssr.metadata.name);
    assert.equal(processed.status?.phase, 'Processed');
    assert.equal(processed.status?.serverVersion, 'v1.13.2');
    const url = String((await get('downloadrequests', 'dr1')).status?.downloadURL);
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.match(gunzipSync(body).toString('utf8'), /signal: killed/);
    const deleted = await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/downloadrequests/dr1`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.equal((await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/downloadrequests/dr1`)).status, 404);
  });
});

test('lists answer limit/continue like the API server, and a bad continue token is a 400', async () => {
  await withFake(async ({ fake }) => {
    const page = async (query: string) =>
      (await (await fetch(`${fake.url}/api/v1/pods?${query}`)).json()) as { metadata: { continue?: string; remainingItemCount?: number }; items: { kind?: string }[] };
    const first = await page('limit=4');
    assert.equal(first.items.length, 4);
    assert.equal(first.metadata.remainingItemCount, 2);
    assert.equal(first.items[0]?.kind, undefined, 'typed lists carry no per-item kind');
    const second = await page(`limit=4&continue=${first.metadata.continue}`);
    assert.equal(second.items.length, 2);
    assert.equal(second.metadata.continue, undefined);
    assert.equal((await fetch(`${fake.url}/api/v1/pods?continue=garbage`)).status, 400);
  });
});

test('list pages cut from cached list texts are byte-identical to the whole list stringified, and follow changes', async () => {
  await withFake(async ({ fake }) => {
    const text = async (path: string) => (await fetch(`${fake.url}${path}`)).text();
    const byKey = (kind: string) =>
      fake.objectsOf(kind).sort((a, b) => {
        const [ka, kb] = [`${a.metadata.namespace ?? ''}/${a.metadata.name}`, `${b.metadata.namespace ?? ''}/${b.metadata.name}`];
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    const pods = byKey('Pod');
    const first = await text('/api/v1/pods?limit=4');
    const { metadata } = JSON.parse(first) as { metadata: Record<string, unknown> };
    const typed = pods.slice(0, 4).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    assert.equal(first, JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items: typed }));
    assert.equal(await text('/api/v1/pods?limit=4'), first, 'the second answer, from the cache, is the same');
    // A later page is a slice from the middle of the list's cached text.
    const second = await text(`/api/v1/pods?limit=4&continue=${String(metadata.continue)}`);
    const rest = pods.slice(4).map(({ kind: _k, apiVersion: _a, ...fields }) => fields);
    assert.equal(second, JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: (JSON.parse(second) as { metadata: object }).metadata, items: rest }));

    // The simulated Velero server waits 300 ms before it processes the request: `before` must see it unprocessed even on a busy machine.
    const ssr = (await (await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/serverstatusrequests`, { method: 'POST', body: '{"metadata":{"name":"s1"}}' })).json()) as object;
    const before = await text('/apis/velero.io/v1/serverstatusrequests');
    assert.equal(before, JSON.stringify({ kind: 'ServerStatusRequestList', apiVersion: 'velero.io/v1', metadata: JSON.parse(before).metadata, items: [ssr] }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await text('/apis/velero.io/v1/serverstatusrequests');
    const processed = byKey('ServerStatusRequest');
    assert.equal((processed[0]?.status as { phase?: string } | undefined)?.phase, 'Processed');
    assert.equal(after, JSON.stringify({ kind: 'ServerStatusRequestList', apiVersion: 'velero.io/v1', metadata: JSON.parse(after).metadata, items: processed }));
    await fetch(`${fake.url}/apis/velero.io/v1/namespaces/velero/serverstatusrequests/s1`, { method: 'DELETE' });
    assert.match(await text('/apis/velero.io/v1/serverstatusrequests'), /"items":\[\]\}$/);
  }, { processDelayMs: 300 });
});
