// Model building: image versions, log components by name and content, the builder's merging and collection time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BundleBuilder } from '../../src/model/build.js';
import type { KubeObject } from '../../src/model/kube.js';
import { imageVersion, normalizeVersion, parseImage } from '../../src/model/versions.js';
import { classify } from '../../src/readers/bundle/classify.js';
import { timeFromBundleName } from '../../src/readers/bundle/read-bundle.js';
import { parseGoTime } from '../../src/readers/describe.js';
import { componentForContainer, componentFromContent, componentFromFileName } from '../../src/readers/logs.js';
import { resultLines } from '../../src/readers/results.js';

describe('versions', () => {
  it('reads the tag whatever the registry, port, digest or v prefix', () => {
    assert.equal(imageVersion('velero/velero:v1.13.2'), '1.13.2');
    assert.equal(imageVersion('velero/velero:1.6.0'), '1.6.0');
    assert.equal(imageVersion('registry.example.com:5000/mirror/velero:v1.14.1'), '1.14.1');
    assert.equal(imageVersion('gcr.io/velero-gcp/velero:v1.12.3@sha256:0123abcd'), '1.12.3');
    assert.equal(imageVersion('registry.redhat.io/oadp/oadp-velero-rhel9@sha256:4c2b3f1e'), null);
    assert.equal(imageVersion('velero/velero:latest'), null);
    assert.equal(imageVersion('velero/velero-plugin-for-aws:v1.9.2-ubi'), '1.9.2');
    assert.equal(imageVersion('localhost:5000/velero'), null);
    assert.deepEqual(parseImage('host:5000/a/b/velero-plugin-for-aws:v1.9.2@sha256:ff'), { name: 'velero-plugin-for-aws', tag: 'v1.9.2' });
  });

  it('normalizes Kubernetes and Velero versions to plain x.y.z', () => {
    assert.equal(normalizeVersion('v1.29.4+k3s1'), '1.29.4');
    assert.equal(normalizeVersion('v1.29.4-eks-036c24b'), '1.29.4');
    assert.equal(normalizeVersion('v1.14.0-OADP'), '1.14.0');
    assert.equal(normalizeVersion('1.13'), '1.13.0');
    assert.equal(normalizeVersion('main'), null);
    assert.equal(normalizeVersion(undefined), null);
  });
});

describe('log components', () => {
  it('in a bundle: from the container and pod names', () => {
    assert.equal(componentForContainer('velero-6b7f9c8d5-q2xlz', 'velero'), 'server');
    assert.equal(componentForContainer('node-agent-8kd2x', 'node-agent'), 'node-agent');
    assert.equal(componentForContainer('restic-8kd2x', 'restic'), 'node-agent');
    assert.equal(componentForContainer('velero-6b7f9c8d5-q2xlz', 'velero-plugin-for-aws'), 'plugin');
    assert.equal(componentForContainer('velero-6b7f9c8d5-q2xlz', 'velero-velero-plugin-for-csi'), 'plugin');
    assert.equal(componentForContainer('kotsadm-7f8d6c9b4-h5n2m', 'kotsadm'), 'kotsadm');
    assert.equal(componentForContainer('app-default-kopia-maintain-job-1714528800000-x2k4p', 'velero-repo-maintenance-container'), 'maintenance');
    assert.equal(componentForContainer('daily-20240501020000-4xk2p', 'daily-20240501020000-4xk2p'), 'data-mover');
    assert.equal(componentForContainer('postgres-0', 'postgres'), 'other');
  });

  it('of a single file: the name first, then the content', () => {
    assert.deepEqual(componentFromFileName('node-agent-8kd2x.log'), { component: 'node-agent' });
    assert.deepEqual(componentFromFileName('restic.log'), { component: 'node-agent' });
    assert.deepEqual(componentFromFileName('backup-nightly.log'), { component: 'backup-log', owner: { kind: 'Backup', name: 'nightly' } });
    assert.deepEqual(componentFromFileName('backup_nightly.log'), { component: 'backup-log', owner: { kind: 'Backup', name: 'nightly' } });
    assert.deepEqual(componentFromFileName('nightly-20240501-logs.gz'), { component: 'backup-log', owner: { kind: 'Backup', name: 'nightly-20240501' } });
    assert.deepEqual(componentFromFileName('restore-nightly-20240501-logs.gz'), { component: 'restore-log', owner: { kind: 'Restore', name: 'nightly-20240501' } });
    assert.deepEqual(componentFromFileName('kotsadm.log'), { component: 'kotsadm' });
    assert.equal(componentFromFileName('velero.log'), undefined);
    const backupLines = Array.from({ length: 10 }, (_, i) => `time="2024-05-01T02:00:0${i}Z" level=info msg="Processing item" backup=velero/nightly name=x${i}`).join('\n');
    assert.deepEqual(componentFromContent(`${backupLines}\n`), { component: 'backup-log', owner: { kind: 'Backup', name: 'nightly', namespace: 'velero' } });
    const restoreLines = backupLines.replaceAll('backup=', 'restore=');
    assert.equal(componentFromContent(`${restoreLines}\n`).component, 'restore-log');
    const mixed = `${backupLines}\n${'time="2024-05-01T02:01:00Z" level=info msg="Validating BackupStorageLocation" controller=backup-storage-location\n'.repeat(5)}`;
    assert.deepEqual(componentFromContent(mixed), { component: 'server' });
  });
});

describe('paths', () => {
  it('classifies every layout', () => {
    assert.deepEqual(classify('cluster-resources/custom-resources/backups.velero.io/velero.json'), { role: 'custom-resources', crd: 'backups.velero.io', kind: 'Backup', ext: 'json', namespace: 'velero' });
    assert.deepEqual(classify('cluster-resources/custom-resources/volumesnapshotclasses.snapshot.storage.k8s.io.json'), { role: 'custom-resources', crd: 'volumesnapshotclasses.snapshot.storage.k8s.io', kind: 'VolumeSnapshotClass', ext: 'json' });
    assert.deepEqual(classify('cluster-resources/deployments/velero.json'), { role: 'list', kind: 'Deployment', namespace: 'velero' });
    assert.deepEqual(classify('cluster-resources/pvs.json'), { role: 'list', kind: 'PersistentVolume' });
    assert.deepEqual(classify('cluster-resources/resource-quota/app.json'), { role: 'list', kind: 'ResourceQuota', namespace: 'app' });
    assert.deepEqual(classify('cluster-resources/configmaps/app.json'), { role: 'ignore' });
    assert.deepEqual(classify('cluster-resources/pods-errors.json'), { role: 'errors' });
    assert.deepEqual(classify('cluster-resources/pods/logs/velero/node-agent-8kd2x/node-agent-previous.log'), { role: 'pod-log', namespace: 'velero', pod: 'node-agent-8kd2x', container: 'node-agent', previous: true, canonical: true });
    assert.deepEqual(classify('cluster-resources/pods/logs/velero/node-agent-8kd2x/node-agent-logs-errors.log'), { role: 'ignore' });
    assert.deepEqual(classify('kots/velero/velero-6b7f/velero.log'), { role: 'pod-log', pod: 'velero-6b7f', container: 'velero', previous: false, canonical: false });
    assert.deepEqual(classify('kubecapture/velero.io_v2alpha1/velero/datauploads-202405011230.0000.json'), { role: 'list', kind: 'DataUpload', namespace: 'velero', captureTime: '202405011230' });
    assert.deepEqual(classify('kubecapture/core_v1/velero/velero-6b7f/velero/velero.log'), { role: 'pod-log', namespace: 'velero', pod: 'velero-6b7f', container: 'velero', previous: false, canonical: true });
    assert.deepEqual(classify('restore_describe_r1.txt'), { role: 'describe', kind: 'Restore', name: 'r1' });
    assert.deepEqual(classify('restore_r1.log'), { role: 'owner-log', kind: 'Restore', name: 'r1' });
    assert.deepEqual(classify('snapshot-doctor/restore-results/velero/r1.json'), { role: 'results', kind: 'Restore', name: 'r1', namespace: 'velero' });
    assert.deepEqual(classify('snapshot-doctor/redactions.json'), { role: 'ignore' });
  });

  it('reads collection times from bundle names and Go time strings', () => {
    assert.equal(timeFromBundleName('support-bundle-2024-05-01T12_30_00'), '2024-05-01T12:30:00Z');
    assert.equal(timeFromBundleName('bundle-2024-05-01-12-30-00.tar.gz'), '2024-05-01T12:30:00Z');
    assert.equal(timeFromBundleName('velero-bundle'), undefined);
    assert.equal(parseGoTime('2022-11-22 16:20:01 +0000 UTC'), '2022-11-22T16:20:01Z');
    assert.equal(parseGoTime('2022-11-22 18:20:01 +0200 CEST'), '2022-11-22T16:20:01Z');
  });
});

describe('BundleBuilder', () => {
  const backup = (name: string, phase: string): KubeObject => ({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name, namespace: 'velero' }, status: { phase } });

  it('keeps the first object of a kind, namespace and name, but a real one replaces one made from describe text', () => {
    const builder = new BundleBuilder();
    builder.addObject(backup('b1', 'PartiallyFailed'), 'describe-backup-b1.txt', { synthesized: true });
    builder.addObject(backup('b1', 'Completed'), 'objects.json');
    builder.addObject(backup('b1', 'Failed'), 'other.json');
    const bundle = builder.build();
    assert.equal(bundle.objects.count('Backup'), 1);
    const [only] = bundle.objects.list('Backup');
    assert.equal(only!.status.phase, 'Completed');
    assert.equal(bundle.sourceOf(only!), 'objects.json');
  });

  it('collection time: stated beats captured beats the newest timestamp seen', () => {
    const builder = new BundleBuilder();
    builder.noteTime('2024-05-02T00:00:00Z');
    assert.equal(builder.build().collectedAt, '2024-05-02T00:00:00Z');
    builder.noteCollectedAt('2024-05-01T12:30:00Z', 'captured');
    assert.equal(builder.build().collectedAt, '2024-05-01T12:30:00Z');
    builder.noteCollectedAt('2024-05-01T12:29:00Z', 'stated');
    assert.equal(builder.build().collectedAt, '2024-05-01T12:29:00Z');
    assert.equal(new BundleBuilder().build().collectedAt, null);
  });

  it('results JSON becomes one log line per message, scoped', () => {
    const lines = resultLines(
      { errors: { velero: ['timed out waiting for all PodVolumeBackups to complete'], namespaces: { app: ['error restoring "x"'] } }, warnings: { cluster: ['w'] } },
      { kind: 'Restore', name: 'r1', namespace: 'velero' },
    );
    assert.deepEqual(lines, [
      'level=error msg="timed out waiting for all PodVolumeBackups to complete" restore=velero/r1 scope=velero',
      'level=error msg="error restoring \\"x\\"" restore=velero/r1 scope=namespace namespace=app',
      'level=warning msg="w" restore=velero/r1 scope=cluster',
    ]);
  });
});

describe('describe output', () => {
  it('keeps every validation error and leaves unknown times out', async () => {
    const { readInputs } = await import('../../src/readers/index.js');
    const { join } = await import('node:path');
    const { FIXTURES } = await import('./support.js');
    const bundle = await readInputs([join(FIXTURES, 'formats/describe-failed-validation/describe-backup-manual-20240501.txt')]);
    const backup = bundle.objects.get('Backup', 'manual-20240501', 'velero')!;
    assert.equal(backup.status.phase, 'FailedValidation');
    assert.equal(backup.status.validationErrors.length, 2);
    assert.match(backup.status.validationErrors[0], /backupstoragelocations\.velero\.io "default" not found$/);
    assert.match(backup.status.validationErrors[1], /^Invalid included\/excluded namespace lists/);
    assert.equal(backup.status.startTimestamp, undefined);
    assert.equal(backup.spec.storageLocation, 'default');
  });
});

describe('entry path hygiene', () => {
  it('normalizes clean paths and refuses absolute ones and `..` segments', async () => {
    const { safeRelativePath, resolveLinkTarget } = await import('../../src/readers/entries/paths.js');
    const cases: [string, string | undefined][] = [
      ['a/b.log', 'a/b.log'],
      ['a/b/', 'a/b'],
      ['./a/./b', 'a/b'],
      ['a//b', 'a/b'],
      ['foo..bar/x.log', 'foo..bar/x.log'],
      ['/etc/passwd', undefined],
      ['a/../../b', undefined],
      ['..', undefined],
      ['.', undefined],
      ['a/.', 'a'],
      ['C:/Windows/x', undefined],
      ['', undefined],
    ];
    for (const [raw, expected] of cases) assert.equal(safeRelativePath(raw), expected, raw);
    assert.equal(resolveLinkTarget('velero/logs/p/c.log', '../../../cluster-resources/pods/logs/velero/p/c.log'), 'cluster-resources/pods/logs/velero/p/c.log');
    assert.equal(resolveLinkTarget('velero/logs/p/c.log', '../../../../etc/passwd'), undefined);
    assert.equal(resolveLinkTarget('a.log', '/etc/passwd'), undefined);
  });
});

describe('collected kinds', () => {
  it('a Velero CRD troubleshoot listed without a custom-resources file means none exist', async () => {
    const { readInputs } = await import('../../src/readers/index.js');
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { copyFixture, tempDir } = await import('./support.js');
    const tmp = await tempDir();
    try {
      const copy = await copyFixture('formats/troubleshoot-v0.133-symlinks', tmp.dir);
      const crd = (plural: string, kind: string, group: string) => ({ metadata: { name: `${plural}.${group}` }, spec: { group, names: { kind, plural }, scope: 'Namespaced' } });
      await writeFile(
        join(copy, 'cluster-resources/custom-resource-definitions.json'),
        JSON.stringify({ kind: 'CustomResourceDefinitionList', apiVersion: 'apiextensions.k8s.io/v1', items: [crd('restores', 'Restore', 'velero.io'), crd('volumesnapshots', 'VolumeSnapshot', 'snapshot.storage.k8s.io'), crd('widgets', 'Widget', 'acme.io')] }),
      );
      const bundle = await readInputs([copy]);
      assert.ok(bundle.collectedKinds?.has('Restore'));
      assert.ok(bundle.collectedKinds?.has('VolumeSnapshot'));
      assert.ok(!bundle.collectedKinds?.has('Widget'));
      assert.equal(bundle.objects.count('Restore'), 0);
    } finally {
      await tmp.cleanup();
    }
  });
});
