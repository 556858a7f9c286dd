// The look-ups rules share on big bundles: ObjectIndex.get by name, byLabel, and backups-failing-since over an unordered series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Severity } from '../../src/constants.js';
import { ObjectIndex } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';
import { backupsFailingSince } from '../../rules/backups-failing-since/rule.js';
import { byLabel } from '../../src/rules/support.js';
import { bundleOf } from '../support/bundle.js';

const AT = { collectedAt: '2024-05-01T12:00:00Z' };

function obj(kind: string, name: string, namespace: string, extra: Partial<KubeObject> = {}, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'velero.io/v1', kind, metadata: { name, namespace, labels }, ...extra } as KubeObject;
}

test('ObjectIndex.get finds by name and namespace, and sees objects added after a look-up', () => {
  const index = new ObjectIndex();
  index.add(obj('Backup', 'daily-1', 'velero'));
  index.add(obj('Backup', 'daily-1', 'other'));
  assert.equal(index.get('Backup', 'daily-1', 'other')?.metadata.namespace, 'other');
  assert.equal(index.get('Backup', 'daily-1')?.metadata.namespace, 'velero');
  assert.equal(index.get('Backup', 'daily-2'), undefined);
  index.add(obj('Backup', 'daily-2', 'velero'));
  assert.equal(index.get('Backup', 'daily-2')?.metadata.name, 'daily-2');
  index.add(obj('ResticRepository', 'default-restic', 'velero'));
  assert.equal(index.get('BackupRepository', 'default-restic')?.kind, 'ResticRepository');
});

test('byLabel groups once per bundle, and lists unlabelled objects under ""', () => {
  const pvbs = [
    obj('PodVolumeBackup', 'a-1', 'velero', {}, { 'velero.io/backup-name': 'a' }),
    obj('PodVolumeBackup', 'b-1', 'velero', {}, { 'velero.io/backup-name': 'b' }),
    obj('PodVolumeBackup', 'a-2', 'velero', {}, { 'velero.io/backup-name': 'a' }),
    obj('PodVolumeBackup', 'loose', 'velero'),
  ];
  const bundle = bundleOf(pvbs, AT);
  assert.deepEqual(byLabel(bundle, 'PodVolumeBackup', 'velero.io/backup-name', 'a').map((o) => o.metadata.name), ['a-1', 'a-2']);
  assert.deepEqual(byLabel(bundle, 'PodVolumeBackup', 'velero.io/backup-name', '').map((o) => o.metadata.name), ['loose']);
  assert.deepEqual(byLabel(bundle, 'PodVolumeBackup', 'velero.io/backup-name', 'zzz'), []);
  assert.deepEqual(byLabel(bundle, 'DataUpload', 'velero.io/backup-name', 'a'), []);
  // Another bundle has its own index.
  assert.deepEqual(byLabel(bundleOf(pvbs.slice(1, 2), AT), 'PodVolumeBackup', 'velero.io/backup-name', 'a'), []);
});

test('backups-failing-since orders runs by time, whatever the order they were read in', () => {
  const run = (name: string, hour: number, phase: string) =>
    obj('Backup', name, 'velero', { status: { phase, startTimestamp: `2024-05-01T${String(hour).padStart(2, '0')}:00:00Z` } }, { 'velero.io/schedule-name': 'hourly' });
  // Read newest first, with a Completed run in the middle of the failures by name but not by time.
  const backups = [run('h-09', 9, 'Failed'), run('h-08', 8, 'PartiallyFailed'), run('h-07', 7, 'Failed'), run('h-05', 5, 'Completed'), run('h-06', 6, 'Failed'), run('h-04', 4, 'Failed')];
  const reported: { message: string; count?: number }[] = [];
  backupsFailingSince.check({ bundle: bundleOf(backups, AT), now: new Date('2024-05-01T12:00:00Z'), hits: () => [], hitCount: () => 0, report: (f) => reported.push(f) });
  assert.equal(reported.length, 1);
  assert.equal(reported[0]!.count, 4);
  assert.match(reported[0]!.message, /since h-06 at 2024-05-01T06:00:00Z; the last Completed one was h-05/);
  assert.equal(backupsFailingSince.meta.severity, Severity.WARNING);
});
