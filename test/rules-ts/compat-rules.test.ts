// The compatibility rules on in-memory bundles: which version pairs fire, with which severity and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRule } from '../support/rule-tester.js';

const now = new Date('2025-06-01T00:00:00Z');

test('velero-kubernetes-incompatible: error below the range, info when newer than tested, silent when unknown', async () => {
  const run = (velero: string | null, kubernetes: string | null) => runRule('velero-kubernetes-incompatible', { velero, kubernetes }, now);
  const below = await run('1.12.3', '1.17.17');
  assert.equal(below.length, 1);
  assert.equal(below[0]?.severity, 'error');
  assert.match(below[0]!.message, /supports Kubernetes 1\.18-latest/);
  assert.equal((await run('1.12.3', '1.27.3')).length, 0);
  const newer = await run('1.12.3', '1.30.1');
  assert.equal(newer[0]?.severity, 'info');
  // The title holds for both: it does not say "does not support" over a message that says "expected to work".
  assert.match(newer[0]!.message, /expected to work/);
  assert.doesNotMatch(newer[0]!.title, /does not support/);
  assert.match(newer[0]!.title, /not tested/);
  assert.equal((await run(null, '1.17.0')).length, 0);
  assert.equal((await run('1.6.0', '1.22.1')).length, 1);
});

test('velero-kubernetes-incompatible: CSI on Kubernetes below 1.20 with Velero 1.9+', async () => {
  const findings = await runRule('velero-kubernetes-incompatible', { velero: '1.9.5', kubernetes: '1.19.16', plugins: [{ name: 'velero-plugin-for-csi', version: '0.3.2' }] }, now);
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /snapshot\.storage\.k8s\.io\/v1/);
  assert.equal((await runRule('velero-kubernetes-incompatible', { velero: '1.9.5', kubernetes: '1.19.16' }, now)).length, 0);
});

test('velero-kots-incompatible: too new is an error, too old a warning, 1.19 never supported', async () => {
  const run = (kots: string, velero: string) => runRule('velero-kots-incompatible', { kots, velero }, now);
  assert.equal((await run('1.130.7', '1.17.2')).length, 0);
  const tooNew = await run('1.129.0', '1.17.2');
  assert.equal(tooNew.length, 1);
  assert.equal(tooNew[0]?.severity, 'error');
  assert.match(tooNew[0]!.message, /KOTS 1\.130\.7 or later/);
  assert.match(tooNew[0]!.message, /restic uploader/);
  const tooOld = await run('1.120.0', '1.10.1');
  assert.equal(tooOld[0]?.severity, 'warning');
  assert.match((await run('1.131.4', '1.19.0'))[0]!.message, /No KOTS version supports it/);
});

test('plugin-version-mismatch: each mismatched plugin is one finding; unknown plugins and versions are ignored', async () => {
  const findings = await runRule(
    'plugin-version-mismatch',
    {
      velero: '1.15.2',
      plugins: [
        { name: 'velero-plugin-for-aws', version: '1.11.1' },
        { name: 'velero-plugin-for-gcp', version: '1.8.0' },
        { name: 'velero-plugin-for-microsoft-azure', version: null },
        { name: 'local-volume-provider', version: '0.6.15' },
      ],
    },
    now,
  );
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /velero-plugin-for-gcp 1\.8\.0 does not match Velero 1\.15\.2.*v1\.11\.x/);
});
