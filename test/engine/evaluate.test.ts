// Evaluation on in-memory bundles: conditions, object queries, variants, grouping, correlation, root causes, ignores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, loadRules, type RuleSet } from '../../src/engine/index.js';
import type { RuleDefinition } from '../../src/engine/types.js';
import { makeBundle, obj, type BundleSpec } from './support.js';

const NOW = new Date('2024-06-01T12:00:00Z');

function head(id: string, extra = ''): string {
  return `id: ${id}\ntitle: ${id} title\nseverity: error\ncategory: storage\nsummary: s\ndescription: d\nremediation: "Fix {{names}}"\ndocs: [https://velero.io/docs/]\n${extra}`;
}

async function ruleSet(files: Record<string, string>, tsRules: RuleDefinition[] = []): Promise<RuleSet> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-eval-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `${name}.yaml`), text);
    return await loadRules({ tsRules, rulesDirs: [dir] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function run(set: RuleSet, spec: BundleSpec, config?: Parameters<typeof evaluate>[2]['config']) {
  const bundle = await makeBundle(set.createScanner(), spec);
  return { bundle, ...evaluate(set, bundle, { now: NOW, config, today: NOW }) };
}

const BSL_LINE = (name: string) =>
  `time="2024-05-18T07:35:24Z" level=error msg="BackupStorageLocation \\"${name}\\" is unavailable: rpc error: code = Unknown desc = AccessDenied: Access Denied status code: 403" controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:178"`;

const BSL_RULE = head(
  'bsl-unavailable',
  `match:
  logs:
    - regex: 'BackupStorageLocation \\\\?"(?<location>[^"\\\\]+)\\\\?" is unavailable: (?<reason>.+?)(?:\\\\?"|$)'
      levels: [error]
  objects:
    - kind: BackupStorageLocation
      where:
        status.phase: Unavailable
message: "Location {{name}} is unavailable: {{default reason object.status.message}}"
evidence: [status.phase, status.message]
`,
).replace('severity: error', 'severity: critical');

const BACKUP_FAILED = head(
  'backup-failed',
  `explainedBy: [bsl-unavailable]
match:
  objects:
    - kind: Backup
      where:
        status.phase: Failed
        status.failureReason: { matches: '(?<why>.+)' }
message: "Backup {{name}} failed: {{why}}"
`,
).replace('category: storage', 'category: backup');

test('object queries and log lines about the same object form one finding, with evidence from both', async () => {
  const set = await ruleSet({ bsl: BSL_RULE });
  const { findings, outcomes } = await run(set, {
    objects: [
      obj('BackupStorageLocation', 'default', { status: { phase: 'Unavailable', message: 'AccessDenied' } }),
      obj('BackupStorageLocation', 'other', { status: { phase: 'Available' } }),
    ],
    logs: [{ path: 'velero.log', text: `${BSL_LINE('default')}\n${BSL_LINE('default')}\n` }],
  });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.severity, 'critical');
  assert.deepEqual(f.resources, [{ kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' }]);
  assert.equal(f.count, 3);
  assert.equal(f.message, 'Location default is unavailable: rpc error: code = Unknown desc = AccessDenied: Access Denied status code: 403');
  assert.equal(f.remediation, 'Fix default');
  assert.deepEqual(f.evidence[0], { file: 'cluster-resources/backupstoragelocations.json', text: 'BackupStorageLocation velero/default\nstatus.phase: Unavailable\nstatus.message: AccessDenied' });
  assert.deepEqual(f.evidence.slice(1).map((e) => [e.file, e.line]), [['velero.log', 1], ['velero.log', 2]]);
  assert.deepEqual(outcomes, [{ id: 'bsl-unavailable', title: 'bsl-unavailable title', severity: 'critical', category: 'storage', fired: true }]);
});

test('messages are one line even when a field holds Go continuation lines', async () => {
  const set = await ruleSet({
    r: head('no-creds', `match:\n  logs:\n    - regex: 'NoCredentialProviders'\nmessage: "No credentials: {{line.error}}"\n`),
  });
  const line =
    'time="2023-06-29T16:52:00Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = NoCredentialProviders: no valid providers in chain. Deprecated.\\n\\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors" logSource="pkg/controller/backup_sync_controller.go:100"';
  const { findings } = await run(set, { logs: [{ path: 'velero.log', text: `${line}\n` }] });
  assert.equal(findings[0]!.message, 'No credentials: rpc error: code = Unknown desc = NoCredentialProviders: no valid providers in chain. Deprecated. For verbose messaging see aws.Config.CredentialsChainVerboseErrors');
  assert.deepEqual(findings[0]!.resources, [{ kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' }]);
});

test('a rule that does not fire still has an outcome', async () => {
  const set = await ruleSet({ bsl: BSL_RULE });
  const { findings, outcomes } = await run(set, { objects: [obj('BackupStorageLocation', 'default', { status: { phase: 'Available' } })] });
  assert.equal(findings.length, 0);
  assert.equal(outcomes[0]!.fired, false);
});

test('symptoms name the root cause that explains them', async () => {
  const set = await ruleSet({ bsl: BSL_RULE, backup: BACKUP_FAILED });
  const backup = obj('Backup', 'nightly-1', { status: { phase: 'Failed', failureReason: 'error getting backup store' } });
  const { findings } = await run(set, { objects: [backup, obj('BackupStorageLocation', 'default', { status: { phase: 'Unavailable' } })] });
  const symptom = findings.find((f) => f.ruleId === 'backup-failed')!;
  assert.deepEqual(symptom.explainedBy, ['bsl-unavailable']);
  assert.equal(symptom.message, 'Backup nightly-1 failed: error getting backup store. Likely caused by: bsl-unavailable (bsl-unavailable title).');
  const alone = await run(set, { objects: [backup] });
  assert.equal(alone.findings[0]!.explainedBy, undefined);
});

test('log hits: one finding per rule naming every backup; `group` splits; true counts beyond kept hits', async () => {
  const rule = (group = '') =>
    head(
      'fs-timeout',
      `match:
  logs:
    - regex: 'timed out waiting for all PodVolumeBackups to complete'
      components: [server, backup-log]
${group}message: "{{count}} timeouts in {{names}}"
`,
    );
  const line = (b: string) => `time="2022-11-22T16:27:25Z" level=error msg="Error backing up item" backup=velero/${b} error="timed out waiting for all PodVolumeBackups to complete" logSource="pkg/backup/backup.go:417" name=jira-0`;
  const logs = [
    { path: 'velero.log', text: `${line('a')}\n${line('b')}\n${line('a')}\n` },
    { path: 'backups/c-logs', component: 'backup-log' as const, owner: { kind: 'Backup' as const, name: 'c' }, text: '{"level":"error","msg":"timed out waiting for all PodVolumeBackups to complete"}\n' },
    { path: 'node-agent.log', component: 'node-agent' as const, text: `${line('z')}\n` },
  ];
  const one = await run(await ruleSet({ r: rule() }), { logs });
  assert.equal(one.findings.length, 1);
  assert.equal(one.findings[0]!.message, '4 timeouts in a, b, c');
  assert.deepEqual(one.findings[0]!.resources.map((r) => `${r.kind}/${r.namespace}/${r.name}`), ['Backup/velero/a', 'Backup/velero/b', 'Backup/velero/c']);
  const grouped = await run(await ruleSet({ r: rule('group: "{{name}}"\n') }), { logs });
  assert.deepEqual(grouped.findings.map((f) => [f.message, f.count]), [['2 timeouts in a', 2], ['1 timeouts in b', 1], ['1 timeouts in c', 1]]);
});

test('version variants: matched for the bundle version, all applying when it is unknown', async () => {
  const set = await ruleSet({
    v: head(
      'variant-rule',
      `match:
  logs:
    - regex: 'restic backup failed'
      velero: "<1.10.0"
      message: "old restic path ({{versions.velero}})"
    - regex: 'kopia backup failed'
      velero: ">=1.10.0"
      severity: critical
message: "generic"
`,
    ),
  });
  const logs = [{ path: 'v.log', text: 'restic backup failed\nkopia backup failed\n' }];
  const old = await run(set, { logs, velero: '1.9.3' });
  assert.deepEqual(old.findings.map((f) => [f.message, f.severity, f.count]), [['old restic path (1.9.3)', 'error', 1]]);
  const recent = await run(set, { logs, velero: 'v1.13.2' });
  assert.deepEqual(recent.findings.map((f) => [f.message, f.severity, f.count]), [['generic', 'critical', 1]]);
  const unknown = await run(set, { logs, velero: null });
  assert.deepEqual(unknown.findings.map((f) => [f.severity, f.count]), [['critical', 2]]);
});

test('`when`: versions, plugins, exists / absent, logs, all / any / not', async () => {
  const rule = (when: string) =>
    head('w', `when:\n${when}\nmatch:\n  objects: [{ kind: Backup }]\nmessage: m\n`);
  const bundle: BundleSpec = {
    objects: [obj('Backup', 'b1', { spec: { defaultVolumesToFsBackup: true } })],
    velero: '1.13.2',
    kubernetes: '1.29.4-eks-2d98532',
    plugins: [{ name: 'velero-plugin-for-aws', version: '1.9.2' }],
    logs: [{ path: 'v.log', text: 'x\n' }],
  };
  const fires = async (when: string) => (await run(await ruleSet({ w: rule(when) }), bundle)).findings.length > 0;
  assert.equal(await fires('  velero: ">=1.13.0 <1.14.0"'), true);
  assert.equal(await fires('  velero: ">=1.14.0"'), false);
  assert.equal(await fires('  kubernetes: "~1.29"'), true);
  assert.equal(await fires('  kots: "*"'), false, 'an unknown version never satisfies a when range');
  assert.equal(await fires('  plugin: { name: velero-plugin-for-aws, version: "^1.9.0" }'), true);
  assert.equal(await fires('  plugin: { name: velero-plugin-for-aws, version: "^1.10.0" }'), false);
  assert.equal(await fires('  plugin: { name: velero-plugin-for-gcp }'), false);
  assert.equal(await fires('  exists: { kind: Backup, where: { spec.defaultVolumesToFsBackup: true } }'), true);
  assert.equal(await fires('  absent: { kind: DaemonSet, where: { metadata.name: { in: [node-agent, restic] } } }'), true);
  assert.equal(await fires('  logs: server'), true);
  assert.equal(await fires('  logs: [node-agent, backup-log]'), false);
  assert.equal(await fires('  any: [ { velero: "<1.0.0" }, { not: { logs: node-agent } } ]'), true);
  assert.equal(await fires('  all: [ { velero: ">=1.0.0" }, { absent: { kind: Backup } } ]'), false);
});

test('matchers: in, notIn, gt, empty, exists, contains, olderThan / newerThan, bracket keys, arrays', async () => {
  const rule = (where: string) => head('m', `match:\n  objects:\n    - kind: Backup\n      where:\n${where}\nmessage: "{{name}}"\n`);
  const objects = [
    obj('Backup', 'old', {
      metadata: { name: 'old', namespace: 'velero', labels: { 'velero.io/schedule-name': 'daily' } },
      status: { phase: 'PartiallyFailed', errors: 3, startTimestamp: '2024-05-01T00:00:00Z', validationErrors: ['bad ttl', 'no bsl'] },
      spec: { includedNamespaces: ['app', 'db'], hooks: { resources: [{ name: 'freeze' }, { name: 'thaw' }] } },
    }),
    obj('Backup', 'new', { status: { phase: 'Completed', errors: 0, startTimestamp: '2024-06-01T11:00:00Z', validationErrors: [] } }),
  ];
  const names = async (where: string) => (await run(await ruleSet({ m: rule(where) }), { objects })).findings.map((f) => f.message).sort();
  assert.deepEqual(await names('        status.phase: { in: [PartiallyFailed, Failed] }'), ['old']);
  assert.deepEqual(await names('        status.phase: { notIn: [Completed] }'), ['old']);
  assert.deepEqual(await names('        status.errors: { gt: 0 }'), ['old']);
  assert.deepEqual(await names('        status.errors: { lte: 0 }'), ['new']);
  assert.deepEqual(await names('        status.validationErrors: { empty: false }'), ['old']);
  assert.deepEqual(await names('        status.validationErrors: { empty: true }'), ['new']);
  assert.deepEqual(await names('        status.validationErrors: { matches: "^no (?<what>.+)" }'), ['old']);
  assert.deepEqual(await names('        metadata.labels["velero.io/schedule-name"]: { exists: true }'), ['old']);
  assert.deepEqual(await names('        metadata.labels["velero.io/schedule-name"]: { exists: false }'), ['new']);
  assert.deepEqual(await names('        spec.includedNamespaces: { contains: db }'), ['old']);
  assert.deepEqual(await names('        spec.hooks.resources.name: thaw'), ['old']);
  assert.deepEqual(await names('        spec.hooks.resources[0].name: freeze'), ['old']);
  assert.deepEqual(await names('        status.startTimestamp: { olderThan: 7d }'), ['old']);
  assert.deepEqual(await names('        status.startTimestamp: { newerThan: 90m }'), ['new']);
  assert.deepEqual(await names('        status.phase: { notEquals: Completed, matches: "Failed$" }'), ['old']);
});

test('a rule that weighs the causes itself: the engine names those it chose and links no other by explainedBy', async () => {
  const weighing = (chosen: string[]): RuleDefinition => ({
    meta: { id: 'streak', title: 'Streak', severity: 'warning', category: 'backup', summary: 's', description: 'd', remediation: 'r', docs: [], explainedBy: ['bsl-unavailable', 'backup-failed'] },
    afterOthers: true,
    check(ctx) {
      ctx.report({ message: 'Backups fail in a row', resources: [{ kind: 'Backup', namespace: 'velero', name: 'nightly-1' }], explainedBy: chosen });
    },
  });
  const objects = [obj('Backup', 'nightly-1', { status: { phase: 'Failed', failureReason: 'error getting backup store' } }), obj('BackupStorageLocation', 'default', { status: { phase: 'Unavailable' } })];
  const chose = await run(await ruleSet({ bsl: BSL_RULE, backup: BACKUP_FAILED }, [weighing(['bsl-unavailable'])]), { objects });
  const streak = chose.findings.find((f) => f.ruleId === 'streak')!;
  assert.deepEqual(streak.explainedBy, ['bsl-unavailable']);
  assert.equal(streak.message, 'Backups fail in a row. Likely caused by: bsl-unavailable (bsl-unavailable title).');
  const none = await run(await ruleSet({ bsl: BSL_RULE, backup: BACKUP_FAILED }, [weighing([])]), { objects });
  const alone = none.findings.find((f) => f.ruleId === 'streak')!;
  assert.equal(alone.explainedBy, undefined, 'no cause chosen: none linked, though backup-failed names the same backup');
  assert.equal(alone.message, 'Backups fail in a row');
});

test('a TypeScript rule runs through the same context; its patterns share the scanner', async () => {
  const ts: RuleDefinition = {
    meta: { id: 'ts-oom', title: 'OOM', severity: 'error', category: 'resources', summary: 's', description: 'd', remediation: 'Raise the limit in {{veleroNamespace}}.', docs: [] },
    logPatterns: [{ regex: 'signal: killed' }, { regex: 'OOMKilled', velero: '<1.0.0' }],
    check(ctx) {
      if (ctx.hitCount() > 0) ctx.report({ message: `${ctx.hitCount(0)} kills, first at line ${ctx.hits()[0]!.hit.line}` });
    },
  };
  const set = await ruleSet({}, [ts]);
  const { findings } = await run(set, { velero: '1.12.0', logs: [{ path: 'n.log', component: 'node-agent', text: 'ok\nerror: signal: killed\nOOMKilled\n' }] });
  assert.deepEqual(findings.map((f) => [f.message, f.remediation, f.count]), [['1 kills, first at line 2', 'Raise the limit in velero.', 1]]);
});

test('a rule that throws becomes a problem; the other rules still run', async () => {
  const broken: RuleDefinition = {
    meta: { id: 'broken', title: 'b', severity: 'error', category: 'backup', summary: 's', description: 'd', remediation: 'r', docs: [] },
    check() {
      throw new TypeError('cannot read properties of undefined');
    },
  };
  const set = await ruleSet({ bsl: BSL_RULE }, [broken]);
  const { findings, outcomes, bundle } = await run(set, { objects: [obj('BackupStorageLocation', 'default', { status: { phase: 'Unavailable' } })] });
  assert.equal(findings.length, 1);
  assert.deepEqual(bundle.problems, [{ source: 'rule broken', message: 'the rule failed and was skipped: cannot read properties of undefined' }]);
  assert.equal(outcomes.find((o) => o.id === 'broken')!.fired, false);
});

test('ignores: by rule, by resource, expired ones reported and not applied, unknown rules reported', async () => {
  const set = await ruleSet({ backup: BACKUP_FAILED });
  const objects = ['a', 'b'].map((n) => obj('Backup', n, { status: { phase: 'Failed', failureReason: 'x' } }));
  const names = (fs: { resources: { name: string }[] }[]) => fs.flatMap((f) => f.resources.map((r) => r.name));
  const byResource = await run(set, { objects }, { file: 'c.yaml', ignores: [{ rule: 'backup-failed', resource: { kind: 'Backup', name: 'a' }, reason: 'known' }] });
  assert.deepEqual(names(byResource.findings), ['b']);
  const byRule = await run(set, { objects }, { file: 'c.yaml', ignores: [{ rule: 'backup-failed', reason: 'known', expires: '2024-06-01' }] });
  assert.deepEqual(byRule.findings, []);
  assert.equal(byRule.outcomes[0]!.fired, false);
  const expired = await run(set, { objects }, { file: 'c.yaml', ignores: [{ rule: 'backup-failed', reason: 'known', expires: '2024-05-31' }, { rule: 'nope', reason: 'x' }] });
  assert.deepEqual(names(expired.findings), ['a', 'b']);
  assert.deepEqual(expired.bundle.problems, [
    { source: 'c.yaml', message: 'ignore for rule "backup-failed" expired on 2024-05-31 and no longer applies (known)' },
    { source: 'c.yaml', message: 'ignore for unknown rule "nope" has no effect' },
  ]);
});
