// Fix first, one finding per cause, and fixes filled in from the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/model/kube.js';
import { fillPlaceholders, firstAction, fixFirst, groupFindings, orderFindings, placeholderValues } from '../../src/report/causes.js';
import type { Finding } from '../../src/report/types.js';
import { bundleOf } from '../support/bundle.js';

const troubleshootBundle = (objects: KubeObject[]) => bundleOf(objects, { inputs: [{ path: 'b', format: 'troubleshoot' }], veleroNamespace: 'backup-system', sourceOf: () => undefined });

function backup(name: string, start: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: 'velero', labels: { 'velero.io/schedule-name': 'daily' } },
    spec: { storageLocation: 'default' },
    status: { phase: 'PartiallyFailed', startTimestamp: start, errors: 2 },
    ...extra,
  };
}

function finding(ruleId: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return { ruleId, severity, category: 'backup', title: `title of ${ruleId}`, message: `${ruleId} fired`, resources: [], evidence: [], count: 1, remediation: 'Do the thing.', docs: [], ...extra };
}

const ref = (name: string) => ({ kind: 'Backup', namespace: 'velero', name });

test('findings of one rule for one reason on several objects become one finding with a row per object, newest first', () => {
  const bundle = troubleshootBundle([backup('daily-a', '2024-05-01T00:00:00Z'), backup('daily-b', '2024-05-03T00:00:00Z'), backup('daily-c', '2024-05-02T00:00:00Z')]);
  const grouped = groupFindings(
    [
      finding('backup-partially-failed', 'error', { resources: [ref('daily-a')], message: 'Backup "daily-a" ended PartiallyFailed' }),
      finding('backup-partially-failed', 'error', { resources: [ref('daily-b')], message: 'Backup "daily-b" ended PartiallyFailed' }),
      finding('backup-partially-failed', 'error', { resources: [ref('daily-c')], message: 'Backup "daily-c" ended PartiallyFailed' }),
      finding('backup-partially-failed', 'error', { resources: [ref('daily-a')], explainedBy: ['node-agent-oomkilled'], message: 'x. Likely caused by: node-agent-oomkilled (OOM).' }),
      finding('backup-partially-failed', 'info', { resources: [ref('daily-c')] }),
    ],
    bundle,
  );
  assert.equal(grouped.length, 3, 'another cause or another severity stays a finding of its own');
  const group = grouped[0]!;
  assert.deepEqual(group.objects?.map((o) => o.name), ['daily-b', 'daily-c', 'daily-a']);
  assert.deepEqual(group.objects?.[0], { kind: 'Backup', namespace: 'velero', name: 'daily-b', time: '2024-05-03T00:00:00Z', errors: 2, message: 'Backup "daily-b" ended PartiallyFailed' });
  assert.equal(group.count, 3);
  assert.equal(group.resources.length, 3);
  assert.match(group.message, /^3 backups affected .*The newest: Backup "daily-b" ended PartiallyFailed\.$/);
  assert.equal(grouped[1]!.objects, undefined);
});

test('a cause sorts before the symptoms it explains, even a more severe symptom', () => {
  const ordered = orderFindings([
    finding('backup-failed', 'critical', { explainedBy: ['bsl-unavailable', 'objstore-access-denied'] }),
    finding('bsl-unavailable', 'critical', { explainedBy: ['objstore-access-denied'] }),
    finding('restic-deprecated', 'warning'),
    finding('objstore-access-denied', 'error'),
  ]);
  assert.deepEqual(ordered.map((f) => f.ruleId), ['objstore-access-denied', 'bsl-unavailable', 'backup-failed', 'restic-deprecated']);
});

test('Fix first: root causes ranked by their worst symptom, then by how many findings they explain; info roots left out', () => {
  const findings = [
    finding('objstore-access-denied', 'error'),
    finding('bsl-unavailable', 'critical', { explainedBy: ['objstore-access-denied'] }),
    finding('node-agent-oomkilled', 'error'),
    finding('backup-partially-failed', 'error', { explainedBy: ['node-agent-oomkilled'] }),
    finding('fs-backup-timeout', 'error', { explainedBy: ['node-agent-oomkilled'] }),
    finding('backup-failed', 'error', { explainedBy: ['bsl-unavailable'] }),
    finding('restic-deprecated', 'info'),
    finding('plugin-version-mismatch', 'warning'),
  ];
  const items = fixFirst(findings);
  assert.deepEqual(items.map((i) => i.ruleId), ['objstore-access-denied', 'node-agent-oomkilled', 'plugin-version-mismatch']);
  assert.equal(items[0]!.severity, 'critical', 'a root cause is as urgent as its worst symptom');
  assert.deepEqual(items[0]!.explains, [1, 5], 'symptoms of symptoms count too');
  assert.deepEqual(items[1]!.explains, [3, 4]);
  assert.equal(items[0]!.action, 'Do the thing.');
});

test('the first action: the first command of a leading code block, or the first sentence of the first step', () => {
  assert.equal(firstAction('```sh\n# look first\nvelero backup describe x --details   # errors\nvelero backup logs x\n```\nThen fix it.'), 'Run `velero backup describe x --details`');
  assert.equal(firstAction('1. Find which credentials Velero uses: `kubectl -n velero get bsl -o yaml`\n   (more). Then more.\n2. Next.'), 'Find which credentials Velero uses: `kubectl -n velero get bsl -o yaml`');
  assert.equal(firstAction('Give the node-agent more memory (2Gi or more), for example:\n\n```sh\nkubectl patch\n```'), 'Give the node-agent more memory (2Gi or more)');
  assert.equal(firstAction('Raise the timeout of the backups. It defaults to 4h.'), 'Raise the timeout of the backups.');
});

test('fix placeholders take the names the report knows; unknown or unsafe ones stay', () => {
  const bundle = troubleshootBundle([
    backup('nightly-2', '2024-05-02T00:00:00Z'),
    backup('nightly-1', '2024-05-01T00:00:00Z', { status: { phase: 'Completed', startTimestamp: '2024-05-01T00:00:00Z', completionTimestamp: '2024-05-01T00:10:00Z' } }),
    { apiVersion: 'velero.io/v1', kind: 'BackupStorageLocation', metadata: { name: 'default', namespace: 'velero' }, spec: { provider: 'aws', objectStorage: { bucket: 'acme' } } },
  ]);
  const values = placeholderValues(finding('backup-failed', 'error', { resources: [ref('nightly-2')] }), bundle);
  const text = 'velero backup describe <backup>; kubectl -n <velero-namespace> get schedule <schedule>; restore from <last good backup>; aws s3 ls s3://<bucket>; <pod> on <node>';
  assert.equal(
    fillPlaceholders(text, values),
    'velero backup describe nightly-2; kubectl -n backup-system get schedule daily; restore from nightly-1; aws s3 ls s3://acme; <pod> on <node>',
  );
  const hostile = troubleshootBundle([backup('x; rm -rf /', '2024-05-02T00:00:00Z')]);
  assert.equal(fillPlaceholders('<backup>', placeholderValues(finding('b', 'error', { resources: [ref('x; rm -rf /')] }), hostile)), '<backup>');
});

test('<first failed backup>: the earliest failed Backup a finding names when it has no table of objects', () => {
  const bundle = troubleshootBundle([
    backup('daily-1', '2024-05-01T00:00:00Z', { status: { phase: 'Completed', startTimestamp: '2024-05-01T00:00:00Z' } }),
    backup('daily-3', '2024-05-03T00:00:00Z', { status: { phase: 'Failed', startTimestamp: '2024-05-03T00:00:00Z' } }),
    backup('daily-2', '2024-05-02T00:00:00Z'),
  ]);
  const values = placeholderValues(finding('backups-failing-since', 'warning', { resources: [ref('daily-3'), ref('daily-2'), ref('daily-1')] }), bundle);
  assert.equal(fillPlaceholders('velero backup describe <first failed backup>', values), 'velero backup describe daily-2');
  const none = placeholderValues(finding('backups-failing-since', 'warning', { resources: [ref('daily-1')] }), bundle);
  assert.equal(fillPlaceholders('<first failed backup>', none), '<first failed backup>', 'a Completed backup is not a failed one');
});

test('two reasons of one rule (two message variants) stay two findings', () => {
  const bundle = troubleshootBundle([backup('a', '2024-05-01T00:00:00Z'), backup('b', '2024-05-03T00:00:00Z')]);
  const grouped = groupFindings(
    [
      finding('repo-not-ready', 'error', { resources: [ref('a')], message: 'The backup repository is not ready for backup "a"' }),
      finding('repo-not-ready', 'error', { resources: [ref('b')], message: 'More than one repository CR exists for backup "b"' }),
    ],
    bundle,
  );
  assert.equal(grouped.length, 2);
});

test('a rule that is a root cause twice is one entry of Fix first', () => {
  const items = fixFirst([
    finding('objstore-access-denied', 'critical', { message: 'location a' }),
    finding('objstore-access-denied', 'critical', { message: 'location b' }),
    finding('bsl-unavailable', 'critical', { explainedBy: ['objstore-access-denied'] }),
  ]);
  assert.deepEqual(items.map((i) => [i.ruleId, i.finding, i.explains]), [['objstore-access-denied', 0, [2]]]);
});
