// The compatibility rules on in-memory bundles: which version pairs fire, with which severity and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { veleroKubernetesIncompatible } from '../../rules/velero-kubernetes-incompatible/rule.js';
import { veleroKotsIncompatible } from '../../rules/velero-kots-incompatible/rule.js';
import { pluginVersionMismatch } from '../../rules/plugin-version-mismatch/rule.js';
import { makeBundle, runRule } from './support/harness.js';

const now = new Date('2025-06-01T00:00:00Z');

test('velero-kubernetes-incompatible: error below the range, info when newer than tested, silent when unknown', () => {
  const run = (velero: string | null, kubernetes: string | null) => runRule(veleroKubernetesIncompatible, makeBundle({ versions: { velero, kubernetes } }), now);
  const below = run('1.12.3', '1.17.17');
  assert.equal(below.length, 1);
  assert.equal(below[0]?.severity, undefined);
  assert.match(below[0]!.message, /supports Kubernetes 1\.18-latest/);
  assert.equal(run('1.12.3', '1.27.3').length, 0);
  const newer = run('1.12.3', '1.30.1');
  assert.equal(newer[0]?.severity, 'info');
  assert.equal(run(null, '1.17.0').length, 0);
  assert.equal(run('1.6.0', '1.22.1').length, 1);
});

test('velero-kubernetes-incompatible: CSI on Kubernetes below 1.20 with Velero 1.9+', () => {
  const bundle = makeBundle({ versions: { velero: '1.9.5', kubernetes: '1.19.16', plugins: [{ name: 'velero-plugin-for-csi', version: '0.3.2' }] } });
  const findings = runRule(veleroKubernetesIncompatible, bundle, now);
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /snapshot\.storage\.k8s\.io\/v1/);
  const noCsi = makeBundle({ versions: { velero: '1.9.5', kubernetes: '1.19.16' } });
  assert.equal(runRule(veleroKubernetesIncompatible, noCsi, now).length, 0);
});

test('velero-kots-incompatible: too new is an error, too old a warning, 1.19 never supported', () => {
  const run = (kots: string, velero: string) => runRule(veleroKotsIncompatible, makeBundle({ versions: { kots, velero } }), now);
  assert.equal(run('1.130.7', '1.17.2').length, 0);
  const tooNew = run('1.129.0', '1.17.2');
  assert.equal(tooNew.length, 1);
  assert.match(tooNew[0]!.message, /KOTS 1\.130\.7 or later/);
  assert.match(tooNew[0]!.message, /restic uploader/);
  const tooOld = run('1.120.0', '1.10.1');
  assert.equal(tooOld[0]?.severity, 'warning');
  assert.match(run('1.131.4', '1.19.0')[0]!.message, /No KOTS version supports it/);
});

test('plugin-version-mismatch: each mismatched plugin is one finding; unknown plugins and versions are ignored', () => {
  const bundle = makeBundle({
    versions: {
      velero: '1.15.2',
      plugins: [
        { name: 'velero-plugin-for-aws', version: '1.11.1' },
        { name: 'velero-plugin-for-gcp', version: '1.8.0' },
        { name: 'velero-plugin-for-microsoft-azure', version: null },
        { name: 'local-volume-provider', version: '0.6.15' },
      ],
    },
  });
  const findings = runRule(pluginVersionMismatch, bundle, now);
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /velero-plugin-for-gcp 1\.8\.0 does not match Velero 1\.15\.2.*v1\.11\.x/);
});
