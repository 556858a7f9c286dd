// backups-failing-since names as likely causes only findings that can start a failure streak (src/rules/data/streak-causes.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analyze.js';
import type { Severity } from '../../src/constants.js';
import type { Finding, FindingInput } from '../../src/engine/types.js';
import type { KubeObject, ObjectRef } from '../../src/model/kube.js';
import { backupsFailingSince } from '../../rules/backups-failing-since/rule.js';
import { STREAK_CAUSES, causesStreak, firstSeen } from '../../src/rules/data/streak-causes.js';
import { bundleOf } from '../support/bundle.js';

function run(name: string, day: number, phase: string): KubeObject {
  const start = `2024-05-${String(day).padStart(2, '0')}T02:00:00Z`;
  return { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name, namespace: 'velero', labels: { 'velero.io/schedule-name': 'daily' } }, status: { phase, startTimestamp: start } };
}

function finding(ruleId: string, severity: Severity, resources: ObjectRef[], evidence: string[] = []): Finding {
  return { ruleId, severity, category: 'backup', title: ruleId, message: ruleId, resources, evidence: evidence.map((text) => ({ file: 'velero.log', text })), count: 1, remediation: '', docs: [] };
}

/** Completed on 1 May, failed on the 2nd, 3rd and 4th. */
const SERIES = [run('daily-1', 1, 'Completed'), run('daily-2', 2, 'Failed'), run('daily-3', 3, 'PartiallyFailed'), run('daily-4', 4, 'Failed')];
const LOCATION: ObjectRef = { kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' };
const DEPLOYMENT: ObjectRef = { kind: 'Deployment', namespace: 'velero', name: 'velero' };

function causesNamed(others: Finding[]): string[] | undefined {
  const reported: FindingInput[] = [];
  backupsFailingSince.check({ bundle: bundleOf(SERIES, { collectedAt: '2024-05-10T12:00:00Z' }), now: new Date('2024-05-10T12:00:00Z'), hits: () => [], hitCount: () => 0, report: (f) => reported.push(f), otherFindings: () => others });
  assert.equal(reported.length, 1, 'the streak is reported');
  return reported[0]!.explainedBy;
}

test('fires: a location denied during the streak and an OOM kill in one of its backups are its likely causes', () => {
  const causes = causesNamed([
    finding('bsl-unavailable', 'critical', [LOCATION], ['time="2024-05-03T09:14:03Z" level=error msg="BackupStorageLocation \\"default\\" is unavailable"']),
    finding('node-agent-oomkilled', 'error', [{ kind: 'Pod', namespace: 'velero', name: 'node-agent-x' }, { kind: 'Backup', namespace: 'velero', name: 'daily-3' }]),
    finding('objstore-access-denied', 'critical', [LOCATION]),
  ]);
  assert.deepEqual(causes, ['bsl-unavailable', 'node-agent-oomkilled', 'objstore-access-denied']);
});

test('near miss: a plugin mismatch, an info "expected to work", a cause first seen after the streak and an OOM kill of an older backup are not causes', () => {
  const causes = causesNamed([
    finding('plugin-version-mismatch', 'warning', [DEPLOYMENT]),
    finding('velero-kubernetes-incompatible', 'info', [DEPLOYMENT]),
    finding('bsl-unavailable', 'critical', [LOCATION], ['{"level":"error","ts":"2024-05-06T00:00:00Z","msg":"unavailable"}']),
    finding('node-agent-oomkilled', 'error', [{ kind: 'Backup', namespace: 'velero', name: 'daily-1' }]),
    finding('backup-failed', 'error', [{ kind: 'Backup', namespace: 'velero', name: 'daily-4' }]),
  ]);
  assert.deepEqual(causes, []);
});

test('the causal data: rules that exist, no symptom among them, and no plugin-version-mismatch', async () => {
  assert.ok(!STREAK_CAUSES.includes('plugin-version-mismatch'));
  assert.ok(!STREAK_CAUSES.includes('backup-failed') && !STREAK_CAUSES.includes('backup-partially-failed'));
  assert.deepEqual(backupsFailingSince.meta.explainedBy, [...STREAK_CAUSES]);
  const streak = { backups: new Set(['daily-2']), newestFailure: Date.parse('2024-05-04T02:00:00Z') };
  assert.equal(firstSeen(finding('x', 'error', [], ['time="2024-05-05T00:00:00.5Z" level=error', 'time="2024-05-03T00:00:00Z" level=error'])), Date.parse('2024-05-03T00:00:00Z'));
  assert.equal(causesStreak(finding('repo-locked', 'error', []), streak), true, 'a cause with no dated evidence may have been there');
});

test('the sample bundle: the KOTS snapshot streak is not blamed on the plugin mismatch, and is named as no-recent-successful-backup names it', async () => {
  const report = await analyze('fixtures/sample-bundle');
  const streak = report.findings.find((f) => f.ruleId === 'backups-failing-since')!;
  assert.ok(!streak.explainedBy?.includes('plugin-version-mismatch'), streak.message);
  assert.ok(streak.explainedBy?.includes('node-agent-oomkilled'), streak.message);
  assert.doesNotMatch(streak.message, /plugin-version-mismatch|without a schedule/);
  assert.match(streak.message, /^KOTS scheduled snapshots: /);
  const recent = report.findings.find((f) => f.ruleId === 'no-recent-successful-backup')!;
  assert.match(recent.message, /^KOTS scheduled snapshots run about every/);
});
