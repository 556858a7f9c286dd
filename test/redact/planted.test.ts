// Planted secrets: every kind in every file type of every supported format; after `redact`, none is left anywhere, and the diagnosis reads the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { parseAllDocuments } from 'yaml';
import { MASK } from '../../src/redact/index.js';
import { runCli } from '../support/cli.js';
import {
  KEPT,
  SECRETS,
  forbiddenStrings,
  pack,
  readTree,
  writeSingleFiles,
  writeSnapshotDoctorBundle,
  writeTroubleshootBundle,
  writeVeleroDebugBundle,
} from './support/planted.js';
import { sameDiagnosis } from './support/diagnosis.js';

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-planted-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function digest(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Fails with the file and the kind of every planted value still present. */
function assertNoSecrets(files: Map<string, Buffer>): void {
  const forbidden = forbiddenStrings();
  const leaks: string[] = [];
  for (const [path, bytes] of files) {
    const text = bytes.toString('latin1');
    for (const value of forbidden) if (text.includes(value)) leaks.push(`${path}: ${value}`);
  }
  assert.deepEqual(leaks, [], 'planted secrets left in the redacted copy');
}

/** Every YAML document of a redacted file still parses (a bare `***…` would be a YAML alias); those naming one of `names` hold masks. */
function assertYamlParses(bytes: Buffer | undefined, names: string[]): void {
  assert.ok(bytes, 'the file is in the copy');
  const text = bytes.toString('utf8');
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  let seen = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    assert.deepEqual(doc.errors, []);
    const value = JSON.stringify(doc.toJS());
    if (!names.some((name) => text.slice(doc.range[0], doc.range[2]).includes(name))) continue;
    seen += 1;
    assert.ok(value.includes(MASK), 'the values are masked');
  }
  assert.equal(seen, names.length, 'every document looked for is there');
}

function assertKept(files: Map<string, Buffer>, kept: string[]): void {
  const all = [...files.values()].map((b) => b.toString('latin1')).join('\n');
  for (const text of kept) assert.ok(all.includes(text), `"${text}" survives redaction`);
}

async function redactArchive(dir: string, folder: string, rootName: string): Promise<{ input: string; output: string; tree: Map<string, Buffer>; extracted: string }> {
  const input = join(dir, `${rootName}.tar.gz`);
  await pack(folder, rootName, input);
  const before = await digest(input);
  const output = join(dir, 'out', `${rootName}-redacted.tar.gz`);
  const result = await runCli(['redact', input, '--output', output, '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(await digest(input), before, 'the input is untouched');
  const extracted = join(dir, 'extracted');
  await mkdir(extracted, { recursive: true });
  await tar.x({ file: output, cwd: extracted });
  return { input, output, tree: await readTree(extracted), extracted };
}

function redactionsOf(tree: Map<string, Buffer>, root: string) {
  const file = tree.get(`${root}/snapshot-doctor/redactions.json`);
  assert.ok(file, 'snapshot-doctor/redactions.json is in the output bundle');
  return JSON.parse(file.toString('utf8')) as { total: number; redactions: { redactor: string; file: string; count: number }[]; byRedactor: Record<string, number> };
}

test('troubleshoot .tar.gz: no planted secret is left, the layout and symlinks are kept, the tally is written', async () => {
  await withTemp(async (dir) => {
    const root = 'support-bundle-2024-05-01T02_10_00';
    const folder = join(dir, root);
    await writeTroubleshootBundle(folder);
    const { tree, extracted, input, output } = await redactArchive(dir, folder, root);
    assertNoSecrets(tree);
    assertKept(tree, KEPT);
    assert.equal(
      await readlink(join(extracted, root, 'velero/velero-7d9f-abcde/velero.log')),
      '../../cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log',
      'the collector-named log stays a relative symlink',
    );
    const redactions = redactionsOf(tree, root);
    assert.ok(redactions.total >= 40, `many values masked (${redactions.total})`);
    for (const redactor of ['aws-access-key-id', 'aws-secret-access-key', 'azure-storage-key', 'client-secret', 'private-key', 'pem-private-key', 'url-credentials', 'bearer-token', 'jwt', 'repository-password', 'kubeconfig-client-key', 'token', 'kots-license-id', 'registry-password', 'password', 'kubernetes-secret', 'presigned-url', 'secret-name', 'secret-collector-value']) {
      assert.ok(redactions.byRedactor[redactor], `the ${redactor} redactor fired`);
    }
    assert.ok(redactions.redactions.some((r) => r.file === 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log'));
    // Flow-style data maps: masked, and the files still parse; so does every other YAML file.
    assertYamlParses(tree.get(`${root}/cluster-resources/secrets/default.yaml`), ['flow-credentials', 'flow-object']);
    for (const [path, bytes] of tree) if (/\.ya?ml$/.test(path)) assertYamlParses(bytes, []);
    const flowJson = JSON.parse(tree.get(`${root}/cluster-resources/secrets/default.json`)?.toString('utf8') ?? '') as { data: Record<string, string> }[];
    assert.deepEqual(flowJson[0]?.data, { cloud: MASK, empty: '' });
    assert.ok(tree.get(`${root}/cluster-resources/secrets/default.yaml`)?.toString('utf8').includes('data: {mode: fast, region: us-east-1}'), 'a ConfigMap in flow style keeps its data');
    await sameDiagnosis(input, output);
  });
});

test('troubleshoot folder: a folder out (or an archive when asked), the input folder untouched', async () => {
  await withTemp(async (dir) => {
    const folder = join(dir, 'bundle');
    await writeTroubleshootBundle(folder);
    const before = await readTree(folder);
    const outFolder = join(dir, 'redacted');
    const result = await runCli(['redact', folder, '--output', outFolder, '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await stat(outFolder)).isDirectory());
    const tree = await readTree(outFolder);
    assertNoSecrets(tree);
    assertKept(tree, KEPT);
    assert.ok(tree.has('snapshot-doctor/redactions.json'));
    assert.equal(await readlink(join(outFolder, 'velero/velero-7d9f-abcde/velero.log')), '../../cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log');
    assert.deepEqual(await readTree(folder), before, 'the input folder is untouched');
    await sameDiagnosis(folder, outFolder);

    const outArchive = join(dir, 'redacted.tar.gz');
    assert.equal((await runCli(['redact', folder, '--output', outArchive, '--quiet'])).code, 0);
    const extracted = join(dir, 'x');
    await mkdir(extracted);
    await tar.x({ file: outArchive, cwd: extracted });
    const packed = await readTree(extracted);
    assertNoSecrets(packed);
    assert.ok(packed.has('bundle/snapshot-doctor/redactions.json'), 'the folder name becomes the root of the archive');
  });
});

test('velero debug tarball (no redaction of its own): no planted secret is left', async () => {
  await withTemp(async (dir) => {
    const folder = join(dir, 'velero-bundle');
    await writeVeleroDebugBundle(folder);
    const { tree, input, output } = await redactArchive(dir, folder, 'velero-bundle');
    assertNoSecrets(tree);
    assertKept(tree, ['velero-backups-prod', 'us-east-1', 'AccessDenied', 'daily-20240501020000', 'Storage Location:  default']);
    assert.ok(redactionsOf(tree, 'velero-bundle').total > 10);
    await sameDiagnosis(input, output);
  });
});

test('snapshot-doctor bundle, with a gzipped backup log inside: no planted secret is left', async () => {
  await withTemp(async (dir) => {
    const root = 'snapshot-doctor-2024-05-01T02_10_00';
    const folder = join(dir, root);
    await writeSnapshotDoctorBundle(folder);
    const { tree, input, output } = await redactArchive(dir, folder, root);
    assertNoSecrets(tree);
    assertKept(tree, KEPT);
    await sameDiagnosis(input, output);
  });
});

test('single files (log, gzipped backup log, describe, kubectl dump): a single file out, the tally on stderr', async () => {
  await withTemp(async (dir) => {
    const files = await writeSingleFiles(join(dir, 'in'));
    for (const [kind, path] of Object.entries(files)) {
      const output = join(dir, 'out', kind === 'gz' ? 'redacted.log.gz' : `redacted-${kind}`);
      await mkdir(join(dir, 'out'), { recursive: true });
      const before = await digest(path);
      const result = await runCli(['redact', path, '--output', output]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /wrote .*: \d+ values? masked\n {2}[a-z0-9-]+: \d+/, 'the tally is printed, per redactor');
      for (const value of Object.values(SECRETS)) assert.ok(!result.stderr.includes(value), 'no secret in the tally');
      assert.equal(await digest(path), before);
      const bytes = await readFile(output);
      if (kind === 'gz') assert.equal(bytes[0], 0x1f, 'gzipped in, gzipped out');
      assertNoSecrets(new Map([[output, bytes], ...(kind === 'gz' ? [[`${output} (gunzipped)`, (await import('node:zlib')).gunzipSync(bytes)] as const] : [])]));
      if (kind === 'log') await sameDiagnosis(path, output);
      if (kind === 'dump') assertYamlParses(bytes, ['flow-credentials', 'flow-object']);
    }
  });
});

test('redact refuses to overwrite its input and needs --output', async () => {
  await withTemp(async (dir) => {
    const files = await writeSingleFiles(dir);
    const before = await digest(files.log);
    const self = await runCli(['redact', files.log, '--output', files.log]);
    assert.equal(self.code, 64);
    assert.match(self.stderr, /is the input itself/);
    assert.equal(await digest(files.log), before);
    const inside = await runCli(['redact', dir, '--output', join(dir, 'copy')]);
    assert.equal(inside.code, 64);
    assert.match(inside.stderr, /inside the input folder/);
    const missing = await runCli(['redact', files.log]);
    assert.equal(missing.code, 64);
    assert.match(missing.stderr, /needs --output/);
  });
});

test('custom patterns from --config are applied and tallied', async () => {
  await withTemp(async (dir) => {
    const files = await writeSingleFiles(dir);
    const config = join(dir, 'config.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(config, 'redaction:\n  patterns:\n    - name: bucket-name\n      regex: "velero-backups-(?<mask>[a-z]+)"\n');
    const output = join(dir, 'custom.log');
    const result = await runCli(['redact', files.log, '--output', output, '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /bucket-name: [1-9]/);
    const text = await readFile(output, 'utf8');
    assert.ok(text.includes('velero-backups-***HIDDEN***'));
    assert.ok(!text.includes('velero-backups-prod'));
  });
});
