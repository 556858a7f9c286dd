// The compatibility tables behind the TypeScript rules: Velero ↔ Kubernetes, plugins, KOTS, VolumeSnapshotClass selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import semver from 'semver';
import { checkVeleroKubernetes } from '../../src/rules/data/kubernetes-compat.js';
import { checkPlugin, expectedCsiPluginMinor, expectedProviderPluginMinor, lvpRowFor, pluginFamily } from '../../src/rules/data/plugin-compat.js';
import { checkKotsVelero, firstKotsSupporting, kotsRowFor } from '../../src/rules/data/kots-compat.js';
import { selectionEra, selectSnapshotClass } from '../../src/rules/data/csi-snapshot-class.js';
import { obj } from '../engine/support.js';

const v = (text: string) => semver.parse(text)!;

test('Velero ↔ Kubernetes: below the minimum, above a bounded range, newer than tested, ok', () => {
  assert.equal(checkVeleroKubernetes(v('1.13.2'), v('1.17.9')).kind, 'below');
  assert.equal(checkVeleroKubernetes(v('1.13.2'), v('1.18.0')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.13.2'), v('1.28.3')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.13.2'), v('1.29.4')).kind, 'newer-than-tested');
  assert.equal(checkVeleroKubernetes(v('1.10.1'), v('1.16.0')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.10.1'), v('1.15.12')).kind, 'below');
  assert.equal(checkVeleroKubernetes(v('1.6.2'), v('1.22.0')).kind, 'above');
  assert.equal(checkVeleroKubernetes(v('1.6.3'), v('1.22.0')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.5.4'), v('1.21.9')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.18.1'), v('1.35.0')).kind, 'ok');
  assert.equal(checkVeleroKubernetes(v('1.19.0'), v('1.17.0')).kind, 'below');
  assert.equal(checkVeleroKubernetes(v('1.3.2'), v('1.17.0')).kind, 'unknown');
});

test('provider plugins: minor = Velero minor − 4 from 1.6; the 1.4/1.5 and 1.2/1.3 rows', () => {
  assert.equal(expectedProviderPluginMinor(v('1.13.2')), '1.9');
  assert.equal(expectedProviderPluginMinor(v('1.18.0')), '1.14');
  assert.equal(expectedProviderPluginMinor(v('1.6.0')), '1.2');
  assert.equal(expectedProviderPluginMinor(v('1.5.3')), '1.1');
  assert.equal(expectedProviderPluginMinor(v('1.3.0')), '1.0');
  assert.deepEqual(checkPlugin('aws', '1.9.2', v('1.13.2')), { kind: 'ok' });
  assert.deepEqual(checkPlugin('aws', '1.5.0', v('1.13.2')), { kind: 'mismatch', expected: '1.9' });
  assert.deepEqual(checkPlugin('azure', null, v('1.13.2')), { kind: 'unknown' });
});

test('CSI plugin: per-minor table until 1.13, built in from 1.14', () => {
  assert.equal(expectedCsiPluginMinor(v('1.13.0')), '0.7');
  assert.equal(expectedCsiPluginMinor(v('1.9.5')), '0.3');
  assert.equal(expectedCsiPluginMinor(v('1.6.0')), '0.1');
  assert.equal(expectedCsiPluginMinor(v('1.14.0')), null);
  assert.deepEqual(checkPlugin('csi', '0.7.1', v('1.14.0')), { kind: 'csi-built-in' });
  assert.deepEqual(checkPlugin('csi', '0.6.2', v('1.12.3')), { kind: 'ok' });
  assert.deepEqual(checkPlugin('csi', '0.5.1', v('1.12.3')), { kind: 'mismatch', expected: '0.6' });
});

test('plugin families are recognised by name or image, registries and tags included', () => {
  assert.equal(pluginFamily('velero-plugin-for-aws'), 'aws');
  assert.equal(pluginFamily('registry.local:5000/velero/velero-plugin-for-microsoft-azure:v1.10.0'), 'azure');
  assert.equal(pluginFamily('velero/velero-plugin-for-csi@sha256:abc'), 'csi');
  assert.equal(pluginFamily('replicated/local-volume-provider:v0.6.15'), 'lvp');
  assert.equal(pluginFamily('replicated/local-volume-provider-extra:v1'), undefined);
  assert.equal(pluginFamily('velero-plugin-for-aws-extra'), undefined);
});

test('local-volume-provider: v0.4 for Velero 1.6–1.9, v0.5 or later for 1.10–1.16, no row from 1.17', () => {
  assert.deepEqual(checkPlugin('lvp', '0.4.4', v('1.9.2')), { kind: 'ok' });
  assert.deepEqual(checkPlugin('lvp', '0.5.6', v('1.9.2')), { kind: 'mismatch', expected: '0.4' });
  assert.deepEqual(checkPlugin('lvp', '0.4.4', v('1.12.3')), { kind: 'mismatch', expected: '0.5' });
  assert.deepEqual(checkPlugin('lvp', '0.5.6', v('1.16.2')), { kind: 'ok' });
  assert.deepEqual(checkPlugin('lvp', '0.6.15', v('1.14.1')), { kind: 'ok' });
  assert.deepEqual(checkPlugin('lvp', '0.6.15', v('1.17.0')), { kind: 'unknown' });
  assert.equal(lvpRowFor(v('1.5.4')), undefined);
});

test('KOTS ↔ Velero: the row for a KOTS version, and verdicts at the edges', () => {
  assert.equal(kotsRowFor(v('1.130.7'))?.label, '1.11.0 to 1.18.x');
  assert.equal(kotsRowFor(v('1.130.6'))?.label, '1.11.0 to 1.16.2');
  assert.equal(kotsRowFor(v('1.124.17'))?.label, '1.11.0 to 1.15.2');
  assert.equal(kotsRowFor(v('1.100.0'))?.label, '1.6.x through 1.12.x');
  assert.equal(kotsRowFor(v('1.10.0')), undefined);
  assert.equal(checkKotsVelero(v('1.124.3'), v('1.15.2')).kind, 'ok');
  assert.equal(checkKotsVelero(v('1.124.3'), v('1.16.0')).kind, 'too-new');
  assert.equal(checkKotsVelero(v('1.125.2'), v('1.16.2')).kind, 'ok');
  assert.equal(checkKotsVelero(v('1.125.2'), v('1.17.0')).kind, 'too-new');
  assert.equal(checkKotsVelero(v('1.131.4'), v('1.18.1')).kind, 'ok');
  assert.equal(checkKotsVelero(v('1.131.4'), v('1.19.0')).kind, 'too-new');
  assert.equal(checkKotsVelero(v('1.120.0'), v('1.10.1')).kind, 'too-old');
  assert.equal(firstKotsSupporting(v('1.17.2')), '1.130.7');
  assert.equal(firstKotsSupporting(v('1.19.0')), undefined);
});

test('VolumeSnapshotClass selection per era', () => {
  const vsc = (name: string, driver: string, labels?: Record<string, string>, annotations?: Record<string, string>) =>
    ({ ...obj('VolumeSnapshotClass', name, { metadata: { name, labels, annotations } }), driver });
  const single = [vsc('ebs', 'ebs.csi.aws.com')];
  const two = [vsc('ebs-a', 'ebs.csi.aws.com'), vsc('ebs-b', 'ebs.csi.aws.com', undefined, { 'snapshot.storage.kubernetes.io/is-default-class': 'true' })];
  assert.equal(selectSnapshotClass('ebs.csi.aws.com', single, selectionEra(v('1.11.0'))).picked, undefined);
  assert.equal(selectSnapshotClass('ebs.csi.aws.com', single, selectionEra(v('1.13.0'))).picked?.metadata.name, 'ebs');
  assert.equal(selectSnapshotClass('ebs.csi.aws.com', two, selectionEra(v('1.16.0'))).picked, undefined);
  assert.equal(selectSnapshotClass('ebs.csi.aws.com', two, selectionEra(v('1.17.0'))).picked?.metadata.name, 'ebs-b');
  const labelled = [...two, vsc('ebs-c', 'ebs.csi.aws.com', { 'velero.io/csi-volumesnapshot-class': 'true' })];
  assert.equal(selectSnapshotClass('ebs.csi.aws.com', labelled, selectionEra(v('1.10.0'))).picked?.metadata.name, 'ebs-c');
  assert.equal(selectSnapshotClass('disk.csi.azure.com', labelled, selectionEra(null)).candidates.length, 0);
});
