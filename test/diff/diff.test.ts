// diff(): findings matched across two bundles of one cluster, versions, locations, runs in between, different-cluster signs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff, diffReports } from '../../src/diff/index.js';
import type { DiffReport } from '../../src/diff/types.js';
import type { Finding, Report } from '../../src/report/types.js';
import { readFileSync } from 'node:fs';

const BEFORE = 'fixtures/diff/before';
const AFTER = 'fixtures/diff/after';
const NOW = new Date('2024-06-06T00:00:00Z');

let cached: DiffReport | undefined;
async function fixtureDiff(): Promise<DiffReport> {
  cached ??= await diff(BEFORE, AFTER, { now: NOW });
  return cached;
}

const ids = (report: DiffReport, status: string) =>
  report.findings
    .filter((c) => c.status === status)
    .map((c) => c.finding.ruleId)
    .sort();

test('the fix: the location and credential findings are resolved, the node-agent OOM kill is new', async () => {
  const d = await fixtureDiff();
  assert.deepEqual(ids(d, 'resolved'), ['backups-failing-since', 'bsl-unavailable', 'no-recent-successful-backup', 'objstore-access-denied', 'repo-not-ready']);
  assert.deepEqual(ids(d, 'new'), ['node-agent-oomkilled']);
  assert.deepEqual(d.summary, { resolved: 5, new: 1, persisting: 4, open: { critical: 0, error: 5, warning: 0, info: 0 } });
  assert.deepEqual(d.differentCluster, []);
  assert.equal(d.old.identity.clusterId, d.new.identity.clusterId);
});

test('a scheduled backup renamed by its timestamp still matches its schedule', async () => {
  const d = await fixtureDiff();
  const partial = d.findings.find((c) => c.finding.ruleId === 'backup-partially-failed');
  assert.equal(partial?.status, 'persisting');
  assert.equal(partial?.matchedBy, 'objects');
  assert.deepEqual(partial?.previous?.resources.map((r) => r.name), ['daily-20240601020000']);
  assert.deepEqual(partial?.finding.resources.map((r) => r.name), ['daily-20240605020000']);
  // Pod volume backups carry a generated suffix on top of the backup's name.
  assert.equal(d.findings.find((c) => c.finding.ruleId === 'pod-volume-backup-failed')?.status, 'persisting');
});

test('the upgrade in between: Velero, node-agent and the AWS plugin versions', async () => {
  const d = await fixtureDiff();
  assert.deepEqual(
    d.versions.map((v) => [v.component, v.old, v.new, v.change]),
    [
      ['velero', '1.13.2', '1.14.1', 'upgraded'],
      ['node-agent', '1.13.2', '1.14.1', 'upgraded'],
      ['velero-plugin-for-aws', '1.9.2', '1.10.1', 'upgraded'],
    ],
  );
});

test('the location became Available, the repository Ready; the backups and restore in between with their phases', async () => {
  const d = await fixtureDiff();
  assert.deepEqual(d.locations.map((l) => [l.name, l.change, l.fields.map((f) => `${f.field}:${f.old}->${f.new}`)]), [
    ['default', 'changed', ['phase:Unavailable->Available']],
  ]);
  assert.deepEqual(d.repositories.map((r) => [r.key, r.fields.find((f) => f.field === 'phase')?.new]), [['shop in default (kopia)', 'Ready']]);
  assert.deepEqual(
    d.runsBetween.map((r) => `${r.kind} ${r.name} ${r.phase}`),
    [
      'Backup daily-20240604020000 Completed',
      'Restore daily-20240604020000-20240604120000 Completed',
      'Backup daily-20240605020000 PartiallyFailed',
    ],
    'backups older than the first collection (still listed in the second) did not run in between',
  );
});

function finding(ruleId: string, resources: Finding['resources'], severity: Finding['severity'] = 'error'): Finding {
  return { ruleId, severity, category: 'backup', title: ruleId, message: `${ruleId} fired`, resources, evidence: [], count: 1, remediation: '', docs: [] };
}

function report(overrides: Partial<Report> & { findings: Finding[] }): Report {
  const base = JSON.parse(readFileSync('fixtures/reports/healthy.json', 'utf8')) as Report;
  return { ...base, ...overrides };
}

test('findings match by rule and objects; the same rule on other objects is resolved plus new', () => {
  const backup = (name: string) => ({ kind: 'Backup', namespace: 'velero', name });
  const old = report({ findings: [finding('backup-failed', [backup('manual-one')]), finding('bsl-unavailable', [{ kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' }])] });
  const next = report({ findings: [finding('backup-failed', [backup('manual-two')]), finding('bsl-unavailable', [{ kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' }], 'critical')] });
  const d = diffReports(old, next, { now: NOW });
  assert.deepEqual(
    d.findings.map((c) => `${c.status} ${c.finding.ruleId} ${c.finding.resources[0]?.name}`),
    ['new backup-failed manual-two', 'persisting bsl-unavailable default', 'resolved backup-failed manual-one'],
  );
  assert.deepEqual(d.summary.open, { critical: 1, error: 1, warning: 0, info: 0 });
});

test('says when the inputs look like different clusters, and when they were given in the wrong order', () => {
  const old = report({ findings: [], collectedAt: '2024-06-05T00:00:00Z' });
  const next = report({ findings: [], collectedAt: '2024-06-01T00:00:00Z' });
  const d = diffReports(old, next, {
    identities: {
      old: { clusterId: 'aaa', namespaces: ['default', 'shop', 'velero'], veleroNamespace: 'velero' },
      new: { clusterId: 'bbb', namespaces: ['default', 'billing', 'velero'], veleroNamespace: 'velero' },
    },
  });
  assert.equal(d.differentCluster.length, 2);
  assert.match(d.differentCluster[0]!, /different cluster ids.*aaa.*bbb/);
  assert.match(d.differentCluster[1]!, /no application namespace in common/);
  assert.ok(d.notes.some((n) => /wrong order/.test(n)));
  const same = diffReports(old, old, { identities: { old: { clusterId: 'aaa', namespaces: ['shop'], veleroNamespace: 'velero' }, new: { clusterId: 'aaa', namespaces: ['shop'], veleroNamespace: 'velero' } } });
  assert.deepEqual(same.differentCluster, []);
});
