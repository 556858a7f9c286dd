// What collection chooses to fetch, decided from objects already listed: covered namespaces, container logs, credential Secrets, downloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerLogs, coverage, credentialSecrets, downloadCandidates } from '../../src/collect/plan.js';
import type { KubeObject } from '../../src/model/kube.js';

const object = (kind: string, name: string, rest: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'velero' }, ...rest }) as KubeObject;

test('coverage is the union of included namespaces, or all as soon as one backup includes every namespace', () => {
  const backup = (included?: string[]) => object('Backup', 'b', { spec: included ? { includedNamespaces: included } : {} });
  assert.deepEqual(coverage([backup(['a', 'b']), backup(['b', 'c'])]), new Set(['a', 'b', 'c']));
  assert.equal(coverage([backup(['a']), backup(['*'])]), 'all');
  assert.equal(coverage([backup(['a']), backup()]), 'all');
  assert.deepEqual(coverage([]), new Set());
});

test('a container that never started has no log; a restarted or once-terminated one has its previous log too', () => {
  const pod = object('Pod', 'p', {
    spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'velero' }, { name: 'waiting' }, { name: 'unknown' }] },
    status: {
      initContainerStatuses: [{ name: 'init', state: { terminated: {} } }],
      containerStatuses: [
        { name: 'velero', restartCount: 2, state: { running: {} } },
        { name: 'waiting', state: { waiting: {} } },
      ],
    },
  });
  assert.deepEqual(containerLogs(pod), [
    { container: 'init', previous: false },
    { container: 'velero', previous: false },
    { container: 'velero', previous: true },
    { container: 'unknown', previous: false },
  ]);
});

test('a credential Secret used by a location and mounted by a workload is asked for once, with both users', () => {
  const bsl = object('BackupStorageLocation', 'default', { spec: { credential: { name: 'cloud', key: 'aws' } } });
  const vsl = object('VolumeSnapshotLocation', 'snap', { spec: {} });
  const deployment = object('Deployment', 'velero', { spec: { template: { spec: { volumes: [{ secret: { secretName: 'cloud' } }, { emptyDir: {} }] } } } });
  assert.deepEqual(credentialSecrets([bsl, vsl], [deployment]), [
    { namespace: 'velero', name: 'cloud', usedBy: [{ kind: 'BackupStorageLocation', name: 'default', key: 'aws' }, { kind: 'Deployment', name: 'velero' }] },
  ]);
});

test('downloads are of the newest failures (without schedules), then older ones as stand-ins', () => {
  const run = (kind: string, name: string, phase: string, at: string, namespace = 'velero') =>
    ({ ...object(kind, name, { status: { phase, startTimestamp: at } }), metadata: { name, namespace } }) as KubeObject;
  const backups = [
    run('Backup', 'old', 'Failed', '2024-05-01T00:00:00Z'),
    run('Backup', 'new', 'PartiallyFailed', '2024-05-03T00:00:00Z'),
    run('Backup', 'ok', 'Completed', '2024-05-04T00:00:00Z'),
    run('Backup', 'mid', 'Failed', '2024-05-02T00:00:00Z'),
  ];
  const restores = [run('Restore', 'r', 'Failed', '2024-05-02T00:00:00Z')];
  const plan = downloadCandidates(backups, 2, true);
  assert.deepEqual(plan.candidates.map((c) => c.object.metadata.name), ['new', 'mid', 'old']);
  assert.equal(plan.wanted, 2);
  assert.deepEqual(downloadCandidates(restores, 2, false).candidates.map((c) => c.object.metadata.name), ['r']);
});
