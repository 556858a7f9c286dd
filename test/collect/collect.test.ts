// collect() against the fake API server: the bundle layout, what is never written, the Velero requests, and every fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collect } from '../../src/collect/index.js';
import type { CollectManifest } from '../../src/collect/options.js';
import { CollectError } from '../../src/errors.js';
import type { KubeObject } from '../../src/model/kube.js';
import { parseAllDocuments } from 'yaml';
import { grantsFrom } from '../support/fake-kube/rbac.js';
import { json, readBundle, withFake } from './helpers.js';

interface List {
  kind: string;
  apiVersion: string;
  items: KubeObject[];
}

const FAST = { requestWaitMs: 2000, backoffMs: 10, requestTimeoutMs: 2000 };

test('aggregated discovery, legacy discovery and a stale aggregated version give the same bundle', async () => {
  const collectWith = (options: { discovery: 'aggregated' | 'legacy'; staleVersions?: string[] }) =>
    withFake(async ({ fake, dir, kubeconfig }) => {
      const output = join(dir, 'bundle.tar.gz');
      await collect({ kubeconfig, output, ...FAST, now: () => new Date('2024-05-20T09:00:00Z') });
      const { files } = await readBundle(output);
      const manifest = json<CollectManifest>(files, 'snapshot-doctor/manifest.json');
      files.set('snapshot-doctor/manifest.json', JSON.stringify({ ...manifest, requests: 0 }));
      return { files, groupVersionRequests: fake.requests.filter((r) => /^\/apis\/[^/]+\/[^/]+$/.test(r.path)).map((r) => r.path).sort() };
    }, options);
  const aggregated = await collectWith({ discovery: 'aggregated' });
  assert.deepEqual(aggregated.groupVersionRequests, [], 'one answer holds every resource');
  const legacy = await collectWith({ discovery: 'legacy' });
  assert.deepEqual(legacy.groupVersionRequests, ['/apis/velero.io/v1', '/apis/velero.io/v2alpha1']);
  const stale = await collectWith({ discovery: 'aggregated', staleVersions: ['velero.io/v2alpha1'] });
  assert.deepEqual(stale.groupVersionRequests, ['/apis/velero.io/v2alpha1']);
  // What each server run makes up: its port, uids, resource versions, when it processed requests, their generated names.
  const settled = (text: string | undefined) =>
    (text ?? '')
      .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://fake').replace(/("(?:uid|resourceVersion|processedTimestamp)":\s*)"[^"]*"/g, '$1""').replace(/snapshot-doctor-[a-z0-9]{5}\b/g, 'snapshot-doctor-?');
  for (const other of [legacy, stale]) {
    assert.deepEqual([...other.files.keys()].sort(), [...aggregated.files.keys()].sort());
    for (const [path, text] of aggregated.files) assert.equal(settled(other.files.get(path)), settled(text), path);
  }
});

test('writes the troubleshoot layout plus snapshot-doctor/, from a KOTS fixture cluster', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const output = join(dir, 'bundle.tar.gz');
    const result = await collect({ kubeconfig, output, ...FAST, now: () => new Date('2024-05-20T09:00:00Z') });
    assert.equal(result.path, output);
    const { root, files } = await readBundle(output);
    assert.equal(root, 'snapshot-doctor-2024-05-20T09_00_00');

    assert.match(files.get('version.yaml') ?? '', /apiVersion: troubleshoot\.sh\/v1beta2\nkind: SupportBundle/);
    assert.equal(json<{ string: string }>(files, 'cluster-info/cluster_version.json').string, 'v1.29.4+k3s1');

    // Core kinds: List objects per namespace, items with kind and apiVersion filled in.
    const pods = json<List>(files, 'cluster-resources/pods/velero.json');
    assert.equal(pods.kind, 'PodList');
    assert.deepEqual(pods.items.map((p) => p.metadata.name).sort(), ['node-agent-4xq7w', 'node-agent-p9m2d', 'velero-6f5b7c9d4-8kqzn']);
    assert.ok(pods.items.every((p) => p.kind === 'Pod' && p.apiVersion === 'v1'));
    assert.equal(json<List>(files, 'cluster-resources/deployments/velero.json').items[0]?.metadata.name, 'velero');
    assert.equal(json<List>(files, 'cluster-resources/daemonsets/velero.json').items[0]?.metadata.name, 'node-agent');
    assert.equal(json<List>(files, 'cluster-resources/deployments/default.json').items[0]?.metadata.name, 'kotsadm');
    assert.equal(json<List>(files, 'cluster-resources/storage-classes.json').items.length, 2);
    assert.equal(json<List>(files, 'cluster-resources/csidrivers.json').items[0]?.metadata.name, 'ebs.csi.aws.com');
    const crds = json<List>(files, 'cluster-resources/custom-resource-definitions.json').items.map((c) => c.metadata.name);
    assert.ok(crds.includes('backups.velero.io') && crds.includes('volumesnapshotclasses.snapshot.storage.k8s.io'));

    // Custom resources: bare arrays per namespace, in every served version (v2alpha1 kinds included in discovery).
    const backups = json<KubeObject[]>(files, 'cluster-resources/custom-resources/backups.velero.io/velero.json');
    assert.deepEqual(backups.map((b) => b.metadata.name).sort(), ['instance-2qh8c', 'instance-5tk9r', 'instance-7vd5p']);
    assert.equal(backups[0]?.apiVersion, 'velero.io/v1');
    assert.equal(json<KubeObject[]>(files, 'cluster-resources/custom-resources/backupstoragelocations.velero.io/velero.json')[0]?.status?.phase, 'Unavailable');
    assert.equal(json<KubeObject[]>(files, 'cluster-resources/custom-resources/volumesnapshotclasses.snapshot.storage.k8s.io.json')[0]?.metadata.name, 'ebs-snapclass');

    // Logs: current and previous, init containers included.
    assert.match(files.get('cluster-resources/pods/logs/velero/velero-6f5b7c9d4-8kqzn/velero.log') ?? '', /AccessDenied/);
    assert.match(files.get('cluster-resources/pods/logs/velero/node-agent-4xq7w/node-agent-previous.log') ?? '', /PodVolumeBackup starting/);
    assert.ok(files.has('cluster-resources/pods/logs/default/kotsadm-7c9d5b8f6-xr2lp/kotsadm.log'));
    assert.ok(!files.has('cluster-resources/pods/logs/velero/node-agent-p9m2d/node-agent-previous.log'), 'no previous log for a container that never restarted');

    // Backup and restore logs and results through DownloadRequests, decompressed.
    assert.match(files.get('snapshot-doctor/backup-logs/velero/instance-2qh8c.log') ?? '', /signal: killed/);
    assert.match(files.get('snapshot-doctor/restore-logs/velero/instance-8xk2m.myapp.log') ?? '', /failed calling webhook/);
    assert.ok(json<{ errors: unknown }>(files, 'snapshot-doctor/backup-results/velero/instance-2qh8c.json').errors);
    assert.ok(!files.has('snapshot-doctor/backup-logs/velero/instance-5tk9r.log'), 'a completed backup needs no log download');

    // The ServerStatusRequest answer is kept where readers look for CRs; the requests themselves are gone.
    const ssr = json<KubeObject[]>(files, 'cluster-resources/custom-resources/serverstatusrequests.velero.io/velero.json');
    assert.equal(ssr[0]?.status?.serverVersion, 'v1.13.2');
    assert.deepEqual(fake.objectsOf('ServerStatusRequest'), []);
    assert.deepEqual(fake.objectsOf('DownloadRequest'), []);

    const manifest = json<CollectManifest>(files, 'snapshot-doctor/manifest.json');
    assert.equal(manifest.tool.name, 'snapshot-doctor');
    assert.equal(manifest.collectedAt, '2024-05-20T09:00:00.000Z');
    assert.equal(manifest.veleroNamespace, 'velero');
    assert.deepEqual(manifest.kotsadmNamespaces, ['default']);
    assert.equal(manifest.serverStatus?.serverVersion, 'v1.13.2');
    assert.deepEqual(manifest.coveredNamespaces, ['default', 'myapp']);
    assert.equal(manifest.collected.find((c) => c.what === 'backups.velero.io')?.count, 3);
    assert.equal(manifest.collected.find((c) => c.what === 'datauploads.velero.io')?.count, 0, 'v2alpha1 kinds are listed even when empty');
    // The one thing the fixture's bucket lacks: results of the backup that failed before writing any.
    assert.deepEqual(manifest.errors.map((e) => e.source), ['DownloadRequest BackupResults velero/instance-7vd5p']);
    assert.match(manifest.errors[0]?.message ?? '', /NoSuchKey/);
    assert.deepEqual(result.manifest, manifest);
  });
});

test('never writes secret values, node addresses or application pod environments', async () => {
  await withFake(async ({ dir, kubeconfig }) => {
    const output = join(dir, 'bundle.tar.gz');
    await collect({ kubeconfig, output, ...FAST });
    const { files } = await readBundle(output);
    const everything = [...files.values()].join('\n');
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'W2RlZmF1bHRd', 'c3RhdGljLXBhc3N3MHJk', 's3cr3t-postgres-pw', '10.0.12.4', '203.0.113.25']) {
      assert.ok(!everything.includes(secret), `${secret} must not be in the bundle`);
    }
    const keys = json<{ name: string; keys: string[]; usedBy: { kind: string }[] }>(files, 'snapshot-doctor/credential-keys/velero/cloud-credentials.json');
    assert.deepEqual(keys.keys, ['cloud']);
    assert.deepEqual(keys.usedBy.map((u) => u.kind).sort(), ['BackupStorageLocation', 'Deployment']);
    assert.ok(![...files.keys()].some((f) => f.includes('secrets/')), 'no Secret objects are written');

    const nodes = json<List>(files, 'cluster-resources/nodes.json').items;
    assert.equal(nodes.find((n) => n.metadata.name === 'node-b')?.spec?.taints?.[0]?.key, 'dedicated');
    assert.equal(nodes.find((n) => n.metadata.name === 'node-b')?.status?.nodeInfo?.architecture, 'arm64');

    // Covered namespaces: pods slimmed to their volume facts; uncovered namespaces not read at all.
    const appPod = json<List>(files, 'cluster-resources/pods/myapp.json').items[0];
    assert.equal(appPod?.metadata.annotations?.['backup.velero.io/backup-volumes'], 'data');
    assert.equal(appPod?.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName, 'data-postgres-0');
    assert.equal(json<List>(files, 'cluster-resources/pvcs/myapp.json').items[0]?.metadata.name, 'data-postgres-0');
    assert.ok(![...files.keys()].some((f) => f.includes('/other')), 'namespace "other" is not covered by any backup');
    // kotsadm's pod stays whole although its namespace is also covered.
    const kotsadm = json<List>(files, 'cluster-resources/pods/default.json').items.find((p) => p.metadata.name.startsWith('kotsadm'));
    assert.ok(kotsadm?.status?.containerStatuses);
  });
});

test('--no-create is strictly read-only: only GET requests', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const output = join(dir, 'bundle.tar.gz');
    const result = await collect({ kubeconfig, output, noCreate: true, ...FAST });
    assert.deepEqual([...new Set(fake.requests.map((r) => r.method))], ['GET']);
    const { files } = await readBundle(output);
    assert.ok(![...files.keys()].some((f) => f.startsWith('snapshot-doctor/backup-logs')));
    assert.equal(result.manifest.serverStatus, null);
    assert.equal(result.manifest.options.noCreate, true);
  });
});

test('without --no-create, the only writes are ServerStatusRequests and DownloadRequests, each deleted', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST });
    const writes = fake.requests.filter((r) => r.method !== 'GET');
    assert.ok(writes.every((r) => /\/(serverstatusrequests|downloadrequests)(\/|$)/.test(r.path)), JSON.stringify(writes));
    assert.equal(writes.filter((r) => r.method === 'POST').length, writes.filter((r) => r.method === 'DELETE').length);
  });
});

test('lists are paginated with limit and continue', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), pageSize: 1, ...FAST });
    const backupPages = fake.requests.filter((r) => r.path === '/apis/velero.io/v1/backups');
    assert.equal(backupPages.length, 3);
    assert.ok(backupPages.every((r) => r.query.limit === '1'));
    assert.equal(backupPages.filter((r) => r.query.continue).length, 2);
    assert.equal(result.manifest.collected.find((c) => c.what === 'backups.velero.io')?.count, 3);
  });
});

test('a kind the user may not list is recorded and the rest goes on; cluster-wide denial falls back to the Velero namespace', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    fake.fault('/apis/velero.io/v1/backups', { status: 403 });
    fake.fault('/apis/velero.io/v1/namespaces/velero/backups', { status: 403 });
    fake.fault('/apis/velero.io/v1/restores', { status: 403 }); // namespaced list still allowed
    fake.fault('/apis/storage.k8s.io/v1/csidrivers', { status: 403 });
    const output = join(dir, 'b.tar.gz');
    const result = await collect({ kubeconfig, output, ...FAST });
    const sources = result.manifest.errors.map((e) => e.source);
    assert.ok(sources.includes('backups.velero.io'), sources.join(', '));
    assert.ok(sources.includes('csidrivers.storage.k8s.io'), sources.join(', '));
    assert.ok(!sources.includes('restores.velero.io'));
    assert.match(result.manifest.errors.find((e) => e.source === 'backups.velero.io')?.message ?? '', /^forbidden: .*403/);
    const { files } = await readBundle(output);
    assert.equal(json<KubeObject[]>(files, 'cluster-resources/custom-resources/restores.velero.io/velero.json').length, 1);
    assert.ok(files.has('cluster-resources/pods/velero.json'));
  });
});

test('a group that is not served is recorded (no CSI snapshot CRDs)', async () => {
  await withFake(
    async ({ dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST });
      assert.ok(result.manifest.errors.some((e) => e.source === 'snapshot.storage.k8s.io' && /not served/.test(e.message)));
    },
    {
      cluster: (c) => {
        c.objects = c.objects.filter((o) => !String(o.metadata.name).endsWith('snapshot.storage.k8s.io') && o.kind !== 'VolumeSnapshotClass');
      },
    },
  );
});

test('transient 500s and slow answers are retried with backoff', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    fake.fault('/apis/velero.io/v1/backups', { status: 500, times: 2 });
    fake.fault('/api/v1/nodes', { delayMs: 3000, times: 1 });
    const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST, requestTimeoutMs: 800 });
    assert.deepEqual(result.manifest.errors.map((e) => e.source), ['DownloadRequest BackupResults velero/instance-7vd5p']);
    assert.equal(fake.requests.filter((r) => r.path === '/apis/velero.io/v1/backups').length, 3);
    assert.equal(result.manifest.collected.find((c) => c.what === 'nodes')?.count, 2);
  });
});

test('a call that stays slow gives up at the overall deadline and the bundle is still written', async () => {
  await withFake(async ({ dir, kubeconfig, fake }) => {
    fake.fault('/apis/velero.io/v1/podvolumebackups', { delayMs: 5000 });
    const started = Date.now();
    const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST, requestTimeoutMs: 300, timeoutSeconds: 1.5 });
    // Without the deadline: four attempts of 5 s each. Generous, so that a loaded machine does not fail it.
    assert.ok(Date.now() - started < 10_000, 'bounded by the deadline');
    const pvb = result.manifest.errors.find((e) => e.source === 'podvolumebackups.velero.io');
    assert.match(pvb?.message ?? '', /deadline|no answer/);
    assert.equal(result.manifest.collected.find((c) => c.what === 'backups.velero.io')?.count, 3);
  });
});

test('a Velero server that does not run leaves the requests unprocessed: recorded, deleted, collection goes on', async () => {
  await withFake(
    async ({ fake, dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST, requestWaitMs: 300 });
      assert.equal(result.manifest.serverStatus, null);
      assert.ok(result.manifest.errors.some((e) => e.source === 'ServerStatusRequest' && /not running/.test(e.message)));
      assert.ok(result.manifest.errors.some((e) => e.source.startsWith('DownloadRequest BackupLog') && /did not answer/.test(e.message)));
      assert.deepEqual(fake.objectsOf('ServerStatusRequest'), []);
      assert.deepEqual(fake.objectsOf('DownloadRequest'), []);
      // The unprocessed request is itself evidence (phase New), kept in the bundle.
      const { files } = await readBundle(result.path);
      const ssr = json<KubeObject[]>(files, 'cluster-resources/custom-resources/serverstatusrequests.velero.io/velero.json');
      assert.equal(ssr[0]?.status?.phase, undefined);
    },
    { cluster: (c) => (c.velero.running = false) },
  );
});

test('logs are bounded by --since and the byte cap, and cut logs are named in the manifest', async () => {
  await withFake(async ({ dir, kubeconfig }) => {
    const output = join(dir, 'b.tar.gz');
    // The fixture clock is 2024-05-20T09:00:00Z: 2h keeps only the 08:59 line of the server log.
    const result = await collect({ kubeconfig, output, since: '2h', maxLogBytes: 200, ...FAST });
    const { files } = await readBundle(output);
    const server = files.get('cluster-resources/pods/logs/velero/velero-6f5b7c9d4-8kqzn/velero.log') ?? '';
    assert.match(server, /^time="2024-05-20T08:59:24Z"/);
    assert.equal(Buffer.byteLength(server), 200);
    assert.ok(result.manifest.truncatedLogs.includes('cluster-resources/pods/logs/velero/velero-6f5b7c9d4-8kqzn/velero.log'));
    assert.equal(result.manifest.options.sinceSeconds, 7200);
  });
});

test('finds Velero in any namespace and honours --namespace', async () => {
  await withFake(
    async ({ dir, kubeconfig }) => {
      const found = await collect({ kubeconfig, output: join(dir, 'a.tar.gz'), noCreate: true, ...FAST });
      assert.equal(found.manifest.veleroNamespace, 'backup-system');
      const given = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), namespace: 'backup-system', noCreate: true, ...FAST });
      assert.equal(given.manifest.veleroNamespace, 'backup-system');
      // A namespace without Velero is not taken on trust: the manifest says so and where Velero runs.
      const wrong = await collect({ kubeconfig, output: join(dir, 'c.tar.gz'), namespace: 'elsewhere', noCreate: true, ...FAST });
      assert.equal(wrong.manifest.veleroNamespace, null);
      assert.match(wrong.manifest.errors.find((e) => e.source === 'velero namespace')?.message ?? '', /namespace "elsewhere".*runs in namespace "backup-system"/);
    },
    {
      cluster: (c) => {
        for (const o of c.objects) if (o.metadata.namespace === 'velero') o.metadata.namespace = 'backup-system';
      },
    },
  );
});

test('an unreachable cluster, a bad kubeconfig, an unknown context and refused credentials are one-line CollectErrors', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const url = fake.url;
    await fake.close();
    await assert.rejects(collect({ kubeconfig, output: join(dir, 'a.tar.gz'), ...FAST, retries: 0 }), (error: unknown) => {
      assert.ok(error instanceof CollectError);
      assert.match(error.message, new RegExp(`^cannot reach the cluster at ${url.replace(/[.]/g, '\\.')} \\(context "fake"\\): .*ECONNREFUSED`));
      return true;
    });
  });
  await withFake(async ({ dir, fake }) => {
    const garbage = join(dir, 'garbage');
    await writeFile(garbage, 'clusters: [this is: not: a kubeconfig');
    await assert.rejects(collect({ kubeconfig: garbage, ...FAST }), /garbage: not a valid kubeconfig/);
    await assert.rejects(collect({ kubeconfig: join(dir, 'missing'), ...FAST }), /missing: no such kubeconfig file/);
    const wrongToken = await fake.writeKubeconfig(dir, { token: 'stolen' });
    await assert.rejects(collect({ kubeconfig: wrongToken, output: join(dir, 'b.tar.gz'), ...FAST }), /refused the credentials \(401 Unauthorized\)/);
    await assert.rejects(collect({ kubeconfig: wrongToken, context: 'prod', ...FAST }), /no context "prod" \(contexts: fake\)/);
  });
});

test('the README RBAC (scripts/rbac.yaml) is enough: nothing is denied; without its Role, the denials are recorded', async () => {
  const manifest = parseAllDocuments(await readFile('scripts/rbac.yaml', 'utf8')).map((d) => d.toJS() as KubeObject);
  const grants = grantsFrom(manifest);
  await withFake(
    async ({ fake, dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST });
      assert.deepEqual(result.manifest.errors.map((e) => e.source), ['DownloadRequest BackupResults velero/instance-7vd5p']);
      assert.ok(fake.requests.every((r) => r.status !== 403));
    },
    { rbac: grants },
  );
  await withFake(
    async ({ dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST });
      const denied = result.manifest.errors.filter((e) => /forbidden/.test(e.message));
      assert.ok(denied.some((e) => e.source === 'logs velero/velero-6f5b7c9d4-8kqzn/velero' && /cannot get resource "pods" with subresource "log"/.test(e.message)));
      assert.ok(denied.some((e) => e.source === 'server status'));
      assert.equal(result.manifest.collected.find((c) => c.what === 'backups.velero.io')?.count, 3);
    },
    { rbac: grants.filter((g) => g.namespace === undefined) },
  );
});

test('text is redacted before it is written (big texts on a worker thread), and redactions.json counts what was masked', async () => {
  const planted = 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY';
  await withFake(
    async ({ dir, kubeconfig }) => {
      const output = join(dir, 'b.tar.gz');
      await collect({ kubeconfig, output, ...FAST });
      const { files } = await readBundle(output);
      const log = files.get('cluster-resources/pods/logs/velero/velero-6f5b7c9d4-8kqzn/velero.log') ?? '';
      assert.ok(!log.includes('bPxRfiCYPLANTEDKEY'), 'the planted key is masked');
      assert.match(log, /aws_secret_access_key=/, 'the key name stays');
      const redactions = json<{ total: number; redactions: { file: string }[] }>(files, 'snapshot-doctor/redactions.json');
      assert.ok(redactions.total >= 1);
      assert.ok(redactions.redactions.some((r) => r.file === 'cluster-resources/pods/logs/velero/velero-6f5b7c9d4-8kqzn/velero.log'));
    },
    {
      cluster: (c) => {
        const key = 'velero/velero-6f5b7c9d4-8kqzn/velero';
        // Big enough (over 256 KiB) to be redacted on the worker thread, whose tally must reach redactions.json.
        const filler = 'time="2024-05-20T08:59:29Z" level=info msg="Checking for existing backup locations ready to be verified" logSource="pkg/controller/backup_storage_location_controller.go:91"\n'.repeat(2500);
        c.logs.set(key, `${c.logs.get(key) ?? ''}${filler}time="2024-05-20T08:59:30Z" level=error msg="loaded credentials ${planted}" logSource="pkg/x.go:1"\n`);
      },
    },
  );
});

test('a big list built on the worker thread is redacted there, and its tally reaches redactions.json', async () => {
  const path = 'cluster-resources/custom-resources/podvolumebackups.velero.io/velero.json';
  await withFake(
    async ({ dir, kubeconfig }) => {
      const output = join(dir, 'b.tar.gz');
      const result = await collect({ kubeconfig, output, pageSize: 500, ...FAST });
      const { files } = await readBundle(output);
      const pvbs = json<KubeObject[]>(files, path);
      assert.equal(pvbs.length, result.manifest.collected.find((c) => c.what === 'podvolumebackups.velero.io')?.count);
      assert.ok(pvbs.length > 1500, 'several pages, compact');
      assert.ok(!files.get(path)?.includes('hunter2-PLANTED'), 'the planted password is masked');
      assert.ok(pvbs.some((p) => String(p.metadata.annotations?.note ?? '').startsWith('password=')), 'the key stays');
      const redactions = json<{ redactions: { file: string }[] }>(files, 'snapshot-doctor/redactions.json');
      assert.ok(redactions.redactions.some((r) => r.file === path));
    },
    {
      cluster: (c) => {
        for (let i = 0; i < 1500; i += 1) {
          c.objects.push({
            apiVersion: 'velero.io/v1',
            kind: 'PodVolumeBackup',
            metadata: { name: `p-${String(i).padStart(5, '0')}`, namespace: 'velero', annotations: i === 1234 ? { note: 'password=hunter2-PLANTED' } : undefined },
            spec: { volume: 'data' },
            status: { phase: 'Completed' },
          });
        }
      },
    },
  );
});

test('a cluster without Velero still gives a bundle: no Velero namespace, the missing API group recorded', async () => {
  await withFake(
    async ({ fake, dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), ...FAST });
      assert.equal(result.manifest.veleroNamespace, null);
      assert.equal(result.manifest.serverStatus, null);
      assert.ok(result.manifest.errors.some((e) => e.source === 'velero.io' && /not served/.test(e.message)));
      assert.ok(!fake.requests.some((r) => r.method !== 'GET'), 'nothing to create without Velero');
      const { files } = await readBundle(result.path);
      assert.equal(json<List>(files, 'cluster-resources/nodes.json').items.length, 2);
      assert.ok(files.has('snapshot-doctor/manifest.json'));
    },
    {
      cluster: (c) => {
        c.objects = c.objects.filter((o) => !o.apiVersion?.startsWith('velero.io') && !o.metadata.name.endsWith('.velero.io') && o.metadata.namespace !== 'velero');
      },
    },
  );
});

test('of a paged Backup list, every coverage and every recent failure reaches the later steps', async () => {
  const backup = (i: number, includedNamespaces: string[], phase = 'Completed'): KubeObject => ({
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name: `gen-${String(i).padStart(2, '0')}`, namespace: 'velero' },
    spec: { includedNamespaces, storageLocation: 'default' },
    status: { phase, startTimestamp: `2030-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` },
  });
  const cluster = (c: { objects: KubeObject[]; downloads: Map<string, string> }) => {
    for (let i = 0; i < 30; i += 1) {
      // A failure that shares its coverage with backups before it, a new coverage on a late page, the newest failure last.
      const phase = i === 3 ? 'Failed' : i === 27 ? 'PartiallyFailed' : 'Completed';
      c.objects.push(backup(i, i === 25 ? ['late-ns'] : ['myapp'], phase));
      if (phase !== 'Completed') c.downloads.set(`BackupLog/gen-${String(i).padStart(2, '0')}`, `log of gen-${i}\n`);
    }
  };
  await withFake(
    async ({ dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), pageSize: 7, ...FAST });
      assert.ok(result.manifest.coveredNamespaces !== 'all' && result.manifest.coveredNamespaces.includes('late-ns'));
      assert.equal(result.manifest.collected.find((c) => c.what === 'backups.velero.io')?.count, 33, 'every backup is counted and written');
      const { files } = await readBundle(result.path);
      assert.equal(files.get('snapshot-doctor/backup-logs/velero/gen-27.log'), 'log of gen-27\n');
      assert.equal(files.get('snapshot-doctor/backup-logs/velero/gen-03.log'), 'log of gen-3\n');
      assert.equal(json<KubeObject[]>(files, 'cluster-resources/custom-resources/backups.velero.io/velero.json').length, 33);
    },
    { cluster },
  );
});

test('a big list is written page by page with the bytes the server sent, and an item\'s own continue field is not taken for the list\'s token', async () => {
  const pvb = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'velero.io/v1',
    kind: 'PodVolumeBackup',
    metadata: { name, namespace: 'velero', labels: { 'velero.io/backup-name': 'b' } },
    spec: { volume: 'data', ...spec },
    status: { phase: 'Completed' },
  });
  const cluster = (c: { objects: KubeObject[] }) => {
    for (let i = 0; i < 1200; i += 1) c.objects.push(pvb(`p-${String(i).padStart(5, '0')}`));
    // Sorted last, so it ends the last page: its `continue` field looks like the list's own token.
    c.objects.push(pvb('zzz', { continue: 'bm90LWEtdG9rZW4' }));
  };
  await withFake(
    async ({ fake, dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), pageSize: 500, ...FAST });
      assert.deepEqual(result.manifest.errors.filter((e) => e.source.includes('podvolumebackups')), []);
      const pages = fake.requests.filter((r) => r.path === '/apis/velero.io/v1/podvolumebackups');
      assert.deepEqual(pages.map((r) => r.status), [200, 200, 200], 'three pages and no more');
      const whole = (await (await fetch(`${fake.url}/apis/velero.io/v1/podvolumebackups`, { headers: { authorization: 'Bearer fake-token' } })).json()) as List;
      assert.ok(whole.items.length > 1201);
      assert.equal(result.manifest.collected.find((c) => c.what === 'podvolumebackups.velero.io')?.count, whole.items.length);
      const { files } = await readBundle(result.path);
      assert.equal(files.get('cluster-resources/custom-resources/podvolumebackups.velero.io/velero.json'), `${JSON.stringify(whole.items)}\n`);
    },
    { cluster },
  );
});
