// Every fixture format and era reads into the right versions, inventory, logs and problems; archives and folders agree.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Bundle } from '../../src/model/bundle.js';
import { readInputs } from '../../src/readers/index.js';
import { inventoryOf } from '../../src/report/build.js';
import { FIXTURES, packFolder, tempDir } from './support.js';

interface Expected {
  format: string;
  kubernetes: string | null;
  velero: string | null;
  nodeAgent?: string | null;
  kots?: string | null;
  plugins?: { name: string; version: string | null }[];
  namespace: string | null;
  backups: number;
  logFiles: number;
  backupRepositories?: number;
  collectedAt?: string | null;
}

const BUNDLES: Record<string, Expected> = {
  'formats/troubleshoot-v0.50-yaml': { format: 'troubleshoot', kubernetes: '1.24.17', velero: '1.9.5', nodeAgent: '1.9.5', plugins: [{ name: 'velero-plugin-for-aws', version: '1.5.3' }], namespace: 'velero', backups: 2, logFiles: 3, backupRepositories: 1 },
  'formats/troubleshoot-v0.100-json-and-yaml': { format: 'troubleshoot', kubernetes: '1.29.4', velero: '1.13.2', nodeAgent: '1.13.2', plugins: [{ name: 'velero-plugin-for-aws', version: '1.9.2' }], namespace: 'velero', backups: 2, logFiles: 3, backupRepositories: 1 },
  'formats/troubleshoot-v0.133-symlinks': { format: 'troubleshoot', kubernetes: '1.29.4', velero: '1.13.2', nodeAgent: '1.13.2', namespace: 'velero', backups: 2, logFiles: 3 },
  'formats/troubleshoot-pre-v0.48-collector-logs': { format: 'troubleshoot', kubernetes: '1.24.17', velero: '1.9.5', nodeAgent: '1.9.5', namespace: 'velero', backups: 2, logFiles: 3, backupRepositories: 1 },
  'formats/troubleshoot-velero-in-openshift-adp': { format: 'troubleshoot', kubernetes: '1.28.9', velero: '1.14.0', plugins: [{ name: 'velero-plugin-for-aws', version: '1.10.0' }], namespace: 'openshift-adp', backups: 2, logFiles: 3 },
  'formats/velero-debug-v1.13': { format: 'velero-debug', kubernetes: '1.29.4', velero: '1.13.2', namespace: 'velero', backups: 2, logFiles: 5, collectedAt: '2024-05-01T12:30:00Z' },
  'formats/snapshot-doctor-collect': { format: 'snapshot-doctor', kubernetes: '1.29.4', velero: '1.13.2', namespace: 'velero', backups: 2, logFiles: 5, collectedAt: '2024-05-01T12:30:00Z' },
  'healthy/velero-1.9-restic': { format: 'troubleshoot', kubernetes: '1.24.17', velero: '1.9.5', nodeAgent: '1.9.5', kots: null, namespace: 'velero', backups: 2, logFiles: 3, collectedAt: '2024-05-01T12:30:00Z' },
  'healthy/velero-1.13-kots-kopia': { format: 'troubleshoot', kubernetes: '1.28.3', velero: '1.13.2', kots: '1.117.3', namespace: 'velero', backups: 2, logFiles: 4, collectedAt: '2024-05-01T12:30:00Z' },
  'healthy/velero-1.17-kopia-csi-datamover': { format: 'troubleshoot', kubernetes: '1.33.1', velero: '1.17.0', plugins: [{ name: 'velero-plugin-for-aws', version: '1.13.0' }], namespace: 'velero', backups: 2, logFiles: 3 },
  'sample-bundle': { format: 'troubleshoot', kubernetes: '1.28.3', velero: '1.13.2', kots: '1.117.3', plugins: [{ name: 'velero-plugin-for-aws', version: '1.7.1' }], namespace: 'velero', backups: 4, logFiles: 5, collectedAt: '2024-05-01T12:30:00Z' },
};

function check(bundle: Bundle, expected: Expected): void {
  assert.equal(bundle.inputs[0]?.format, expected.format);
  assert.equal(bundle.versions.kubernetes, expected.kubernetes);
  assert.equal(bundle.versions.velero, expected.velero);
  if (expected.nodeAgent !== undefined) assert.equal(bundle.versions.nodeAgent, expected.nodeAgent);
  if (expected.kots !== undefined) assert.equal(bundle.versions.kots, expected.kots);
  if (expected.plugins) assert.deepEqual(bundle.versions.plugins.map(({ name, version }) => ({ name, version })), expected.plugins);
  assert.equal(bundle.veleroNamespace, expected.namespace);
  const inventory = inventoryOf(bundle);
  assert.equal(inventory.backups, expected.backups);
  assert.equal(inventory.logFiles, expected.logFiles);
  if (expected.backupRepositories !== undefined) assert.equal(inventory.backupRepositories, expected.backupRepositories);
  if (expected.collectedAt !== undefined) assert.equal(bundle.collectedAt, expected.collectedAt);
}

/** What must not differ between a folder and its archive. */
function summary(bundle: Bundle) {
  return {
    format: bundle.inputs[0]?.format,
    versions: bundle.versions,
    namespace: bundle.veleroNamespace,
    inventory: inventoryOf(bundle),
    kinds: bundle.objects.kinds().map((k) => `${k}:${bundle.objects.count(k)}`),
    logs: bundle.logs.map((l) => `${l.path}|${l.component}|${l.namespace}|${l.pod}|${l.container}|${l.previous}|${l.lines}|${l.bytes}`).sort(),
    problems: bundle.problems,
  };
}

describe('bundle formats and eras', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  for (const [fixture, expected] of Object.entries(BUNDLES)) {
    it(`${fixture}: folder and .tar.gz give the same versions and inventory`, async () => {
      const folder = join(FIXTURES, fixture);
      const fromFolder = await readInputs([folder]);
      check(fromFolder, expected);
      const name = expected.format === 'velero-debug' ? 'bundle-2024-05-01-12-30-00.tar.gz' : `${fixture.replace(/\//g, '_')}.tar.gz`;
      const archive = await packFolder(folder, join(tmp.dir, name));
      const fromArchive = await readInputs([archive]);
      check(fromArchive, expected);
      const a = summary(fromFolder);
      const b = summary(fromArchive);
      assert.deepEqual(b.versions, a.versions);
      assert.deepEqual(b.inventory, a.inventory);
      assert.deepEqual(b.kinds, a.kinds);
      assert.deepEqual(b.logs, a.logs);
    });
  }

  it('counts a log and its collector aliases (symlinks or copies) once, and knows its component', async () => {
    const bundle = await readInputs([join(FIXTURES, 'formats/troubleshoot-v0.133-symlinks')]);
    const server = bundle.logs.filter((l) => l.container === 'velero');
    assert.equal(server.length, 1);
    assert.equal(server[0]!.path, 'cluster-resources/pods/logs/velero/velero-6b7f9c8d5-q2xlz/velero.log');
    assert.equal(server[0]!.component, 'server');
    assert.equal(server[0]!.lines, 6);
    assert.deepEqual(bundle.logs.map((l) => l.component).sort(), ['node-agent', 'node-agent', 'server']);
    // Before v0.48 only the collector paths exist: the pod's namespace comes from the pod objects.
    const old = await readInputs([join(FIXTURES, 'formats/troubleshoot-pre-v0.48-collector-logs')]);
    assert.ok(old.logs.every((l) => l.namespace === 'velero' && l.path.startsWith('velero/')));
    assert.deepEqual(old.logs.map((l) => l.component).sort(), ['node-agent', 'node-agent', 'server']);
  });

  it('uses the JSON custom resources and ignores the YAML copy, whichever arrives first', async () => {
    const folder = join(FIXTURES, 'formats/troubleshoot-v0.100-json-and-yaml');
    const yamlFirst = await packFolder(folder, join(tmp.dir, 'yaml-first.tar.gz'), {
      order: (paths) => [...paths].sort((a, b) => Number(b.endsWith('.yaml')) - Number(a.endsWith('.yaml'))),
    });
    for (const input of [folder, yamlFirst]) {
      const bundle = await readInputs([input]);
      assert.equal(bundle.objects.count('Backup'), 2);
      const source = bundle.sourceOf(bundle.objects.list('Backup')[0]!);
      assert.match(source ?? '', /backups\.velero\.io\/velero\.json$/);
    }
  });

  it('reads the workloads: Velero Deployment, node-agent DaemonSet, kotsadm, and their pods', async () => {
    const bundle = await readInputs([join(FIXTURES, 'sample-bundle')]);
    assert.equal(bundle.workloads.veleroDeployment?.metadata.name, 'velero');
    assert.equal(bundle.workloads.veleroPods.length, 1);
    assert.equal(bundle.workloads.nodeAgentDaemonSet?.metadata.name, 'node-agent');
    assert.equal(bundle.workloads.nodeAgentPods.length, 2);
    assert.equal(bundle.workloads.kotsadmDeployments[0]?.metadata.namespace, 'default');
    assert.equal(bundle.workloads.kotsadmPods.length, 1);
    const previous = bundle.logs.find((l) => l.previous);
    assert.equal(previous?.pod, 'node-agent-wz7vq');
    assert.equal(bundle.logs.find((l) => l.container === 'kotsadm')?.component, 'kotsadm');
    assert.ok(bundle.problems.some((p) => /volumesnapshotcontents/.test(p.message)));
    assert.ok(bundle.collectedKinds?.has('Restore'), 'velero.io kinds are collected even when none exist');
  });

  it('reads the snapshot-doctor extras: manifest, backup logs and results with their owner, credential key names', async () => {
    const bundle = await readInputs([join(FIXTURES, 'formats/snapshot-doctor-collect')]);
    assert.deepEqual(bundle.problems, [{ source: 'volumesnapshotclasses.snapshot.storage.k8s.io', message: 'the server could not find the requested resource (404)' }]);
    const results = bundle.logs.find((l) => l.path.endsWith('.json'));
    assert.equal(results?.component, 'backup-log');
    assert.deepEqual(results?.owner, { kind: 'Backup', name: 'daily-20240501020000', namespace: 'velero' });
    assert.equal(results?.lines, 2);
    assert.deepEqual(bundle.credentialKeys?.map((c) => [c.secret, c.keys]), [['cloud-credentials', ['cloud']]]);
    assert.ok(bundle.collectedKinds?.has('DataUpload'), 'kinds the manifest says were listed are collected even when none exist');
  });

  it('velero debug: describe output becomes the Backup only where no object exists, and its text a describe log', async () => {
    const bundle = await readInputs([join(FIXTURES, 'formats/velero-debug-v1.13')]);
    const described = bundle.logs.find((l) => l.component === 'describe');
    assert.equal(described?.owner?.name, 'daily-20240501020000');
    // The real object (Completed) wins over the one made from describe text.
    assert.equal(bundle.objects.get('Backup', 'daily-20240501020000', 'velero')?.status?.phase, 'Completed');
    assert.equal(bundle.logs.find((l) => l.component === 'backup-log')?.owner?.name, 'daily-20240501020000');
  });
});

describe('single files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  const cases: [string, string, string, string | undefined][] = [
    ['formats/server-log-logfmt/velero.log', 'log-file', 'server', undefined],
    ['formats/server-log-json/velero.log', 'log-file', 'server', undefined],
    ['formats/node-agent-log/node-agent.log', 'log-file', 'node-agent', undefined],
    ['formats/backup-log/backup-jira-prod-backup-platform-20221122.log', 'log-file', 'backup-log', 'Backup/velero/jira-prod-backup-platform-20221122'],
    ['formats/restore-log/restore-restore-v1.8.1.log', 'log-file', 'restore-log', 'Restore/velero/restore-v1.8.1'],
    ['formats/describe-1.9/describe-backup-nginx-backup.txt', 'describe', 'describe', 'Backup/velero/nginx-backup'],
    ['formats/describe-1.13/describe-backup-daily-20240501020000.txt', 'describe', 'describe', 'Backup/velero/daily-20240501020000'],
    ['formats/describe-restore/describe-restore-restore-v1.8.1.txt', 'describe', 'describe', 'Restore/velero/restore-v1.8.1'],
  ];
  for (const [file, format, component, owner] of cases) {
    it(`${file} → ${format}, ${component}`, async () => {
      const bundle = await readInputs([join(FIXTURES, file)]);
      assert.equal(bundle.inputs[0]?.format, format);
      assert.equal(bundle.logs.length, 1);
      const log = bundle.logs[0]!;
      assert.equal(log.component, component);
      assert.equal(log.owner ? `${log.owner.kind}/${log.owner.namespace}/${log.owner.name}` : undefined, owner);
      assert.ok(log.lines > 0);
      assert.deepEqual(bundle.problems, []);
    });
  }

  it('a gzipped backup log download (<backup>-logs.gz) is a backup log of that backup', async () => {
    const text = await readFile(join(FIXTURES, 'formats/backup-log/backup-jira-prod-backup-platform-20221122.log'));
    const path = join(tmp.dir, 'jira-prod-backup-platform-20221122-logs.gz');
    await writeFile(path, gzipSync(text));
    const bundle = await readInputs([path]);
    assert.equal(bundle.inputs[0]?.format, 'log-file');
    assert.equal(bundle.logs[0]?.component, 'backup-log');
    assert.equal(bundle.logs[0]?.owner?.name, 'jira-prod-backup-platform-20221122');
    assert.equal(bundle.logs[0]?.lines, 7);
    assert.equal(bundle.collectedAt, '2022-11-22T16:27:26Z');
  });

  it('rule-fixture names work: node-agent.log, backup-<name>.log whatever the content says', async () => {
    const text = await readFile(join(FIXTURES, 'formats/server-log-logfmt/velero.log'));
    const nodeAgent = join(tmp.dir, 'node-agent.log');
    await writeFile(nodeAgent, text);
    assert.equal((await readInputs([nodeAgent])).logs[0]?.component, 'node-agent');
    const backupLog = join(tmp.dir, 'backup-nightly.log');
    await copyFile(join(FIXTURES, 'formats/server-log-logfmt/velero.log'), backupLog);
    const owner = (await readInputs([backupLog])).logs[0]?.owner;
    assert.equal(owner?.name, 'nightly');
  });

  it('describe output of every era becomes a Backup or Restore with phase, counts, times and location', async () => {
    const old = await readInputs([join(FIXTURES, 'formats/describe-1.9/describe-backup-nginx-backup.txt')]);
    const b = old.objects.get('Backup', 'nginx-backup', 'velero')!;
    assert.equal(b.status.phase, 'PartiallyFailed');
    assert.equal(b.status.errors, 1);
    assert.equal(b.status.warnings, 0);
    assert.equal(b.status.startTimestamp, '2022-11-22T16:20:01Z');
    assert.equal(b.spec.storageLocation, 'default');
    assert.equal(b.metadata.annotations?.['velero.io/source-cluster-k8s-gitversion'], 'v1.24.4');
    assert.equal(old.versions.kubernetes, '1.24.4');
    const recent = await readInputs([join(FIXTURES, 'formats/describe-1.13/describe-backup-daily-20240501020000.txt')]);
    const r = recent.objects.get('Backup', 'daily-20240501020000')!;
    assert.equal(r.status.phase, 'PartiallyFailed');
    assert.equal(r.status.errors, 1);
    assert.equal(r.status.warnings, 1);
    assert.equal(r.metadata.labels?.['velero.io/schedule-name'], 'daily');
    const restore = await readInputs([join(FIXTURES, 'formats/describe-restore/describe-restore-restore-v1.8.1.txt')]);
    const rs = restore.objects.get('Restore', 'restore-v1.8.1')!;
    assert.equal(rs.spec.backupName, 'gitlab-backup-20220630');
    assert.equal(rs.status.errors, 1);
  });

  for (const file of ['formats/kubectl-dump-list-json/objects.json', 'formats/kubectl-dump-multidoc-yaml/objects.yaml']) {
    it(`${file}: a kubectl dump of any kinds`, async () => {
      const bundle = await readInputs([join(FIXTURES, file)]);
      assert.equal(bundle.inputs[0]?.format, 'kubectl-dump');
      assert.deepEqual(bundle.objects.kinds(), ['Backup', 'BackupStorageLocation', 'Schedule']);
      assert.equal(bundle.objects.get('BackupStorageLocation', 'default')?.status.phase, 'Unavailable');
      assert.equal(bundle.veleroNamespace, 'velero');
      assert.equal(bundle.logs.length, 0);
    });
  }

  it('several inputs merge into one model: a bundle plus the backup log from the same ticket', async () => {
    const bundle = await readInputs([join(FIXTURES, 'sample-bundle'), join(FIXTURES, 'formats/backup-log/backup-jira-prod-backup-platform-20221122.log'), join(FIXTURES, 'formats/kubectl-dump-list-json/objects.json')]);
    assert.deepEqual(bundle.inputs.map((i) => i.format), ['troubleshoot', 'log-file', 'kubectl-dump']);
    assert.equal(bundle.logs.length, 6);
    // Same kind, namespace and name: the first read wins (the bundle's BSL), no duplicate.
    assert.equal(bundle.objects.count('BackupStorageLocation'), 1);
    assert.equal(bundle.objects.count('Backup'), 5);
    assert.equal(bundle.collectedAt, '2024-05-01T12:30:00Z');
  });

  it('--input-format overrides detection', async () => {
    const bundle = await readInputs([join(FIXTURES, 'formats/describe-1.9/describe-backup-nginx-backup.txt')], { inputFormat: 'log-file' });
    assert.equal(bundle.inputs[0]?.format, 'log-file');
    assert.equal(bundle.objects.count('Backup'), 0);
  });
});

describe('a folder of loose files', () => {
  it('reads each Velero file at its top as an input, and leaves the rest alone', async () => {
    const tmp = await tempDir();
    try {
      const folder = join(tmp.dir, 'ticket-4711');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(folder);
      await copyFile(join(FIXTURES, 'formats/server-log-logfmt/velero.log'), join(folder, 'velero.log'));
      await copyFile(join(FIXTURES, 'formats/describe-1.13/describe-backup-daily-20240501020000.txt'), join(folder, 'describe.txt'));
      await writeFile(join(folder, 'notes.txt'), 'Customer says backups fail since Tuesday.\n');
      const bundle = await readInputs([folder]);
      assert.deepEqual(bundle.inputs.map((i) => [i.path.slice(folder.length + 1), i.format]), [['describe.txt', 'describe'], ['velero.log', 'log-file']]);
      assert.equal(bundle.logs.length, 2);
      assert.equal(bundle.objects.count('Backup'), 1);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('a ticket’s folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  it('a folder holding only a support bundle archive reads the archive', async () => {
    const folder = join(tmp.dir, 'ticket-only-archive');
    await mkdir(folder);
    await packFolder(join(FIXTURES, 'formats/troubleshoot-digest-pinned'), join(folder, 'support-bundle-2024-05-01T12_00_00.tar.gz'), { root: 'support-bundle-2024-05-01T12_00_00' });
    const bundle = await readInputs([folder]);
    assert.deepEqual(bundle.inputs.map((i) => [basename(i.path), i.format]), [['support-bundle-2024-05-01T12_00_00.tar.gz', 'troubleshoot']]);
    assert.equal(bundle.versions.velero, '1.12.4');
    assert.deepEqual(bundle.problems, []);
  });

  it('an archive beside a log and a describe output: all three are read; what is not read is listed with why', async () => {
    const folder = join(tmp.dir, 'ticket-4712');
    await mkdir(folder);
    await packFolder(join(FIXTURES, 'formats/troubleshoot-digest-pinned'), join(folder, 'support-bundle-2024-05-01T12_00_00.tar.gz'), { root: 'support-bundle-2024-05-01T12_00_00' });
    await copyFile(join(FIXTURES, 'formats/server-log-logfmt/velero.log'), join(folder, 'velero.log'));
    await copyFile(join(FIXTURES, 'formats/describe-1.13/describe-backup-daily-20240501020000.txt'), join(folder, 'describe.txt'));
    await writeFile(join(folder, 'notes.txt'), 'Customer says backups fail since Tuesday.\n');
    await writeFile(join(folder, 'screenshot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    await mkdir(join(folder, 'old-attachments'));
    await writeFile(join(folder, 'old-attachments', 'mail.txt'), 'hello\n');
    const bundle = await readInputs([folder]);
    assert.deepEqual(bundle.inputs.map((i) => [basename(i.path), i.format]), [
      ['describe.txt', 'describe'],
      ['support-bundle-2024-05-01T12_00_00.tar.gz', 'troubleshoot'],
      ['velero.log', 'log-file'],
    ]);
    assert.equal(bundle.objects.count('Backup'), 1);
    assert.ok(bundle.logs.some((l) => l.path.endsWith('velero-7d9c5b6f4-x2k8p/velero.log')), 'the archive’s logs are read');
    assert.deepEqual(
      bundle.problems.map((p) => p.source),
      ['notes.txt', 'old-attachments', 'screenshot.png'],
    );
    assert.match(bundle.problems[0]!.message, /^skipped: not a Velero log, describe output, kubectl dump or bundle/);
    assert.match(bundle.problems[1]!.message, /^skipped: no support bundle/);
    assert.match(bundle.problems[2]!.message, /^skipped: /);
  });

  it('near miss: a folder with nothing readable still stops with one line (exit 2)', async () => {
    const folder = join(tmp.dir, 'ticket-empty');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'nothing here\n');
    await assert.rejects(readInputs([folder]), /no support bundle/);
  });
});
