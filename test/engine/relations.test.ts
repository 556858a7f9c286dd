// Relations between findings' resources: which root-cause finding explains which symptom finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Relations } from '../../src/engine/relations.js';
import type { ObjectRef } from '../../src/model/kube.js';
import { makeBundle, obj } from './support.js';

const scanner = { scan: () => Promise.resolve() } as never;
const ref = (kind: string, name: string, namespace: string | null = 'velero'): ObjectRef => (namespace ? { kind, name, namespace } : { kind, name });

async function model(): Promise<Relations> {
  const pvb = (name: string, backup: string, node: string) => obj('PodVolumeBackup', name, { metadata: { name, namespace: 'velero', labels: { 'velero.io/backup-name': backup } }, spec: { node } });
  const agent = obj('Pod', 'node-agent-x', { apiVersion: 'v1', spec: { nodeName: 'n1' } });
  const bundle = await makeBundle(scanner, {
    objects: [
      obj('BackupStorageLocation', 'default', { spec: { default: true } }),
      obj('BackupStorageLocation', 'offsite', {}),
      obj('Backup', 'a', { spec: {} }),
      obj('Backup', 'b', { spec: { storageLocation: 'offsite' } }),
      pvb('a-1', 'a', 'n1'),
      pvb('b-1', 'b', 'n1'),
      pvb('b-2', 'b', 'n2'),
      obj('Restore', 'r', { spec: { backupName: 'b' } }),
      obj('BackupRepository', 'repo', { spec: { backupStorageLocation: 'offsite' } }),
      agent,
      obj('Pod', 'velero-123', { apiVersion: 'v1', spec: { nodeName: 'n1' } }),
    ],
  });
  bundle.workloads.nodeAgentPods.push(agent);
  return new Relations(bundle);
}

test('same object, and a backup with its location (named, else the default), volumes and their nodes', async () => {
  const r = await model();
  assert.ok(r.explains([ref('Backup', 'a')], [ref('Backup', 'a')]));
  assert.ok(r.explains([ref('BackupStorageLocation', 'default')], [ref('Backup', 'a')]));
  assert.ok(!r.explains([ref('BackupStorageLocation', 'default')], [ref('Backup', 'b')]));
  assert.ok(r.explains([ref('BackupStorageLocation', 'offsite')], [ref('Backup', 'b')]));
  assert.ok(r.explains([ref('PodVolumeBackup', 'b-2')], [ref('Backup', 'b')]));
  assert.ok(r.explains([ref('Backup', 'b')], [ref('PodVolumeBackup', 'b-1')]));
  assert.ok(r.explains([ref('Node', 'n2', null)], [ref('Backup', 'b')]));
});

test('another backup does not explain, even on the same node or location', async () => {
  const r = await model();
  assert.ok(!r.explains([ref('PodVolumeBackup', 'b-1'), ref('Backup', 'b')], [ref('Backup', 'a')]));
  assert.ok(!r.explains([ref('Backup', 'b')], [ref('PodVolumeBackup', 'a-1')]));
});

test('a node-agent pod explains the volumes of its node; the server pod is cluster-wide', async () => {
  const r = await model();
  assert.ok(r.explains([ref('Pod', 'node-agent-x')], [ref('Backup', 'a')]));
  assert.ok(r.explains([ref('Pod', 'node-agent-x')], [ref('PodVolumeBackup', 'b-1')]));
  assert.ok(!r.explains([ref('Pod', 'node-agent-x')], [ref('PodVolumeBackup', 'b-2')]));
  assert.ok(r.explains([ref('Pod', 'velero-123')], [ref('Backup', 'b')]));
  assert.ok(r.explains([ref('Deployment', 'velero')], [ref('Restore', 'r')]));
  assert.ok(r.explains([], [ref('Restore', 'r')]));
});

test('restores reach their backup and its location; repositories their location', async () => {
  const r = await model();
  assert.ok(r.explains([ref('Backup', 'b')], [ref('Restore', 'r')]));
  assert.ok(r.explains([ref('BackupStorageLocation', 'offsite')], [ref('Restore', 'r')]));
  assert.ok(!r.explains([ref('Backup', 'a')], [ref('Restore', 'r')]));
  assert.ok(r.explains([ref('BackupStorageLocation', 'offsite')], [ref('BackupRepository', 'repo')]));
  assert.ok(!r.explains([ref('BackupStorageLocation', 'default')], [ref('BackupRepository', 'repo')]));
});
