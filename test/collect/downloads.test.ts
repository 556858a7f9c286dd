// Backup log downloads: which candidates (schedule failure streaks, newest failures), stand-ins for failed downloads, and object-store TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/collect/index.js';
import { downloadCandidates } from '../../src/collect/plan.js';
import { InputError } from '../../src/errors.js';
import type { KubeObject } from '../../src/model/kube.js';
import { readBundle, withFake } from './helpers.js';

const FAST = { requestWaitMs: 2000, backoffMs: 10, requestTimeoutMs: 2000 };

const backup = (name: string, day: number, phase: string, schedule?: string): KubeObject => ({
  apiVersion: 'velero.io/v1',
  kind: 'Backup',
  metadata: { name, namespace: 'velero', ...(schedule ? { labels: { 'velero.io/schedule-name': schedule } } : {}) },
  spec: { includedNamespaces: ['myapp'], storageLocation: 'default' },
  status: { phase, startTimestamp: `2030-01-${String(day).padStart(2, '0')}T02:00:00Z` },
});

test('candidates: the first failure of each schedule’s current streak, its newest failure, then the newest failures; older ones stand in', () => {
  const backups = [
    backup('daily-01', 1, 'Failed', 'daily'), // an older streak, ended by a success
    backup('daily-02', 2, 'Completed', 'daily'),
    backup('daily-03', 3, 'PartiallyFailed', 'daily'), // where the current streak began
    backup('daily-04', 4, 'Failed', 'daily'),
    backup('daily-05', 5, 'Failed', 'daily'),
    backup('manual-06', 6, 'Failed'),
    backup('manual-07', 7, 'Failed'),
    backup('weekly-01', 1, 'Completed', 'weekly'),
  ];
  const { candidates, wanted } = downloadCandidates(backups, 2, true);
  assert.deepEqual(
    candidates.map((c) => [c.object.metadata.name, c.why]),
    [
      ['daily-03', "first failure of schedule daily's current failure streak (3 in a row)"],
      ['daily-05', 'newest failure of schedule daily'],
      ['manual-07', 'one of the 2 newest failures'],
      ['manual-06', 'one of the 2 newest failures'],
      ['daily-04', 'an older failure, in place of a download that failed'],
      ['daily-01', 'an older failure, in place of a download that failed'],
    ],
  );
  assert.equal(wanted, 4);
  // Near miss: a schedule whose newest backup Completed has no streak, and no Completed backup is a candidate.
  const healthy = downloadCandidates([backup('weekly-01', 1, 'Completed', 'weekly')], 2, true);
  assert.deepEqual(healthy, { candidates: [], wanted: 0 });
});

test('collect downloads the streak’s first failure, and a failed download (404) gives way to the next candidate; the manifest records every attempt', async () => {
  const names = ['daily-01', 'daily-02', 'daily-03', 'daily-04', 'daily-05'];
  await withFake(
    async ({ dir, kubeconfig }) => {
      const result = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), recentFailures: 1, ...FAST });
      const attempts = result.manifest.downloads.filter((d) => d.kind === 'Backup');
      assert.deepEqual(
        attempts.map((d) => [d.name, d.ok]).sort(),
        [
          ['daily-03', false],
          ['daily-04', true],
          ['daily-05', true],
        ].sort(),
      );
      assert.match(attempts.find((d) => d.name === 'daily-03')?.error ?? '', /NoSuchKey/);
      assert.match(attempts.find((d) => d.name === 'daily-03')?.why ?? '', /first failure of schedule daily's current failure streak/);
      assert.match(attempts.find((d) => d.name === 'daily-04')?.why ?? '', /in place of a download that failed/);
      const { files } = await readBundle(result.path);
      assert.equal(files.get('snapshot-doctor/backup-logs/velero/daily-04.log'), 'log of daily-04\n');
      assert.equal(files.get('snapshot-doctor/backup-logs/velero/daily-05.log'), 'log of daily-05\n');
      assert.ok(!files.has('snapshot-doctor/backup-logs/velero/daily-01.log'), 'no more downloads than wanted');
    },
    {
      cluster: (c) => {
        c.objects = c.objects.filter((o) => o.kind !== 'Backup');
        names.forEach((name, i) => c.objects.push(backup(name, i + 1, name === 'daily-02' ? 'Completed' : 'Failed', 'daily')));
        // The streak's first failure (daily-03, after daily-02 Completed) has no log in the bucket (expired, deleted): daily-04 stands in.
        for (const name of ['daily-01', 'daily-04', 'daily-05']) c.downloads.set(`BackupLog/${name}`, `log of ${name}\n`);
      },
    },
  );
});

/** A self-signed certificate for 127.0.0.1: the private CA of an S3-compatible store. */
function privateCa(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'store.key');
  const certFile = join(dir, 'store.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=fake-object-store', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: execFileSync('cat', [keyFile]).toString(), cert: execFileSync('cat', [certFile]).toString(), certFile };
}

test('object-store TLS: a private CA fails downloads; the location’s caCert, --cacert or --insecure-skip-tls-verify make them work, apart from the cluster’s TLS', async () => {
  const caDir = await mkdtemp(join(tmpdir(), 'sd-ca-'));
  try {
    const tls = privateCa(caDir);
    const withStore = (caCertOnLocation: boolean) =>
      ({
        objectStoreTls: { key: tls.key, cert: tls.cert },
        cluster: (c: { objects: KubeObject[]; downloads: Map<string, string> }) => {
          c.objects = c.objects.filter((o) => o.kind !== 'Backup');
          c.objects.push(backup('manual-01', 1, 'Failed'));
          c.downloads.set('BackupLog/manual-01', 'log of manual-01\n');
          if (caCertOnLocation) {
            const bsl = c.objects.find((o) => o.kind === 'BackupStorageLocation');
            assert.ok(bsl);
            bsl.spec = { ...bsl.spec, objectStorage: { ...(bsl.spec?.objectStorage as object), caCert: Buffer.from(tls.cert).toString('base64') } };
          }
        },
      }) as const;
    const logOf = async (result: Awaited<ReturnType<typeof collect>>) => (await readBundle(result.path)).files.get('snapshot-doctor/backup-logs/velero/manual-01.log');

    await withFake(async ({ dir, kubeconfig }) => {
      const untrusted = await collect({ kubeconfig, output: join(dir, 'a.tar.gz'), ...FAST });
      assert.equal(await logOf(untrusted), undefined);
      assert.match(untrusted.manifest.downloads.find((d) => d.name === 'manual-01')?.error ?? '', /self.signed|DEPTH_ZERO/i);
      const trusted = await collect({ kubeconfig, output: join(dir, 'b.tar.gz'), cacert: tls.certFile, ...FAST });
      assert.equal(await logOf(trusted), 'log of manual-01\n');
      const insecure = await collect({ kubeconfig, output: join(dir, 'c.tar.gz'), insecureSkipTlsVerify: true, ...FAST });
      assert.equal(await logOf(insecure), 'log of manual-01\n');
    }, withStore(false));

    await withFake(async ({ dir, kubeconfig }) => {
      const fromLocation = await collect({ kubeconfig, output: join(dir, 'd.tar.gz'), ...FAST });
      assert.equal(await logOf(fromLocation), 'log of manual-01\n');
      assert.deepEqual(fromLocation.manifest.downloads.filter((d) => d.kind === 'Backup').map((d) => [d.name, d.ok]), [['manual-01', true]]);
    }, withStore(true));
  } finally {
    await rm(caDir, { recursive: true, force: true });
  }
});

test('--cacert: a missing file or one without a certificate stops before any request, naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-ca-'));
  try {
    const notPem = join(dir, 'ca.txt');
    await writeFile(notPem, 'hello\n');
    await assert.rejects(collect({ output: join(dir, 'x.tar.gz'), cacert: join(dir, 'missing.pem') }), (e: unknown) => e instanceof InputError && /missing\.pem: cannot read the CA file: no such file/.test((e as Error).message));
    await assert.rejects(collect({ output: join(dir, 'x.tar.gz'), cacert: notPem }), (e: unknown) => e instanceof InputError && /not a PEM CA certificate file/.test((e as Error).message));
    await assert.rejects(readFile(join(dir, 'x.tar.gz')), 'nothing was written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
