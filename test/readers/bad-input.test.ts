// Bad and hostile input: one-line InputErrors naming the file, problems for what is only partly readable, no traversal.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BudgetError, InputError } from '../../src/errors.js';
import { openEntries, readInputs } from '../../src/readers/index.js';
import { copyFixture, FIXTURES, packFolder, rawTarGz, tempDir } from './support.js';

async function rejectsWith(paths: string[], pattern: RegExp, type: typeof InputError = InputError): Promise<void> {
  await assert.rejects(readInputs(paths), (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${paths[paths.length - 1]}: `), `the message names the file: ${error.message}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

describe('bad input', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  it('a missing path', async () => {
    await rejectsWith([join(tmp.dir, 'nope.tar.gz')], /no such file/);
  });

  it('random bytes named .tar.gz, an empty file, a binary file, plain text that is no Velero file', async () => {
    const random = join(tmp.dir, 'random.tar.gz');
    await writeFile(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    await rejectsWith([random], /binary file|not a/);
    const empty = join(tmp.dir, 'empty.tar.gz');
    await writeFile(empty, '');
    await rejectsWith([empty], /empty/);
    const text = join(tmp.dir, 'notes.txt');
    await writeFile(text, 'Dear support,\nour backups fail since Tuesday.\n');
    await rejectsWith([text], /not a Velero log/);
  });

  it('a gzip holding random data (a corrupt tar) and a gzip truncated before any entry', async () => {
    const corrupt = join(tmp.dir, 'corrupt.tar.gz');
    await writeFile(corrupt, gzipSync(Buffer.alloc(8192, 'garbage! ')));
    await rejectsWith([corrupt], /not a|tar/);
    const archive = await packFolder(join(FIXTURES, 'formats/troubleshoot-v0.133-symlinks'), join(tmp.dir, 'short.tar.gz'));
    await truncate(archive, 20);
    await rejectsWith([archive], /truncated|empty|not a/);
  });

  it('a gzip truncated mid-archive: what was read is kept, the damage is a problem', async () => {
    const archive = await packFolder(join(FIXTURES, 'sample-bundle'), join(tmp.dir, 'support-bundle-2024-05-01T12_30_00.tar.gz'));
    const size = (await readFile(archive)).length;
    await truncate(archive, Math.floor(size * 0.6));
    const bundle = await readInputs([archive]);
    assert.equal(bundle.inputs[0]?.format, 'troubleshoot');
    assert.ok(bundle.problems.some((p) => p.source === archive && /truncated/.test(p.message)), JSON.stringify(bundle.problems));
  });

  it('a folder with nothing Velero in it', async () => {
    const folder = join(tmp.dir, 'photos');
    await mkdir(folder);
    await writeFile(join(folder, 'cat.txt'), 'meow\n');
    await rejectsWith([folder], /no support bundle/);
  });

  it('one malformed JSON and one malformed YAML file among good ones: listed as problems, the rest read', async () => {
    const copy = await copyFixture('formats/troubleshoot-v0.100-json-and-yaml', tmp.dir);
    await writeFile(join(copy, 'cluster-resources/custom-resources/schedules.velero.io/velero.json'), '[{"apiVersion": "velero.io/v1", "kind": "Sched');
    await rm(join(copy, 'cluster-resources/custom-resources/schedules.velero.io/velero.yaml'));
    await writeFile(join(copy, 'cluster-resources/deployments/velero.json'), '{"kind": "DeploymentList", "items": [}');
    const bundle = await readInputs([copy]);
    assert.equal(bundle.objects.count('Backup'), 2);
    assert.equal(bundle.objects.count('Schedule'), 0);
    const sources = bundle.problems.map((p) => p.source).sort();
    assert.deepEqual(sources, ['cluster-resources/custom-resources/schedules.velero.io/velero.json', 'cluster-resources/deployments/velero.json']);
    assert.ok(bundle.problems.every((p) => /malformed JSON/.test(p.message)));
    // Without the Deployment the Velero version comes from the pod.
    assert.equal(bundle.versions.velero, '1.13.2');
  });

  it('JSON nested far too deep is a problem, not a stack overflow', async () => {
    const copy = await copyFixture('formats/troubleshoot-v0.133-symlinks', tmp.dir);
    const depth = 100_000;
    await writeFile(join(copy, 'cluster-resources/nodes.json'), `${'['.repeat(depth)}${']'.repeat(depth)}`);
    const bundle = await readInputs([copy]);
    assert.ok(bundle.problems.some((p) => p.source === 'cluster-resources/nodes.json' && /nested deeper/.test(p.message)));
    assert.equal(bundle.objects.count('Backup'), 2);
  });
});

describe('hostile archives', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  const good = (path: string, content: string) => ({ path: `support-bundle-2024-05-01T12_30_00/${path}`, content });

  it('never follows `..`, absolute paths, links leading out, hard links or devices: they become problems', async () => {
    const archive = join(tmp.dir, 'evil.tar.gz');
    await writeFile(
      archive,
      rawTarGz([
        good('version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.100.0\n'),
        good('cluster-resources/pods/logs/velero/velero-1/velero.log', 'time="2024-05-01T12:00:00Z" level=info msg="hello"\n'),
        { path: 'support-bundle-2024-05-01T12_30_00/../../evil.log', content: 'time="2024-05-01T12:00:00Z" level=error msg="evil"\n' },
        { path: '/etc/cron.d/evil.json', content: '[]' },
        { path: 'support-bundle-2024-05-01T12_30_00/velero/logs/velero-2/velero.log', type: 'SymbolicLink', linkpath: '../../../../../../etc/passwd' },
        { path: 'support-bundle-2024-05-01T12_30_00/velero/logs/velero-3/velero.log', type: 'SymbolicLink', linkpath: '/etc/shadow' },
        { path: 'support-bundle-2024-05-01T12_30_00/velero/logs/velero-4/velero.log', type: 'Link', linkpath: '/etc/passwd' },
        { path: 'support-bundle-2024-05-01T12_30_00/dev/zero', type: 'CharacterDevice' },
      ]),
    );
    const bundle = await readInputs([archive]);
    assert.deepEqual(bundle.logs.map((l) => l.path), ['cluster-resources/pods/logs/velero/velero-1/velero.log']);
    const messages = bundle.problems.map((p) => `${p.source}: ${p.message}`);
    assert.ok(messages.some((m) => m.includes('evil.log') && /`\.\.`/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('/etc/cron.d/evil.json') && /absolute/.test(m)));
    assert.ok(messages.some((m) => m.includes('velero-2') && /outside/.test(m)));
    assert.ok(messages.some((m) => m.includes('velero-3') && /outside/.test(m)));
    assert.ok(messages.some((m) => m.includes('velero-4') && /hard link/.test(m)));
    assert.ok(messages.some((m) => m.includes('dev/zero') && /CharacterDevice/.test(m)));
  });

  it('a symlink in a folder leading outside is not followed', async () => {
    const copy = await copyFixture('formats/troubleshoot-v0.133-symlinks', tmp.dir);
    const { symlink } = await import('node:fs/promises');
    await writeFile(join(tmp.dir, 'secret.log'), 'time="2024-05-01T12:00:00Z" level=error msg="outside"\n');
    await mkdir(join(copy, 'velero/logs/velero-x'), { recursive: true });
    await symlink(join(tmp.dir, 'secret.log'), join(copy, 'velero/logs/velero-x/velero.log'));
    const bundle = await readInputs([copy]);
    assert.ok(!bundle.logs.some((l) => l.pod === 'velero-x'));
    assert.ok(bundle.problems.some((p) => p.source === 'velero/logs/velero-x/velero.log' && /outside/.test(p.message)));
  });

  it('budgets stop a decompression bomb with a clear error, and an entry flood before any bundle file', async () => {
    const bomb = join(tmp.dir, 'bomb.tar.gz');
    await writeFile(bomb, rawTarGz([good('cluster-resources/pods/logs/velero/v/velero.log', 'x'.repeat(4 * 1024 * 1024))]));
    await assert.rejects(readInputs([bomb], { budget: { maxDecompressedBytes: 1024 * 1024 } }), (e: unknown) => e instanceof BudgetError && /decompressed-size budget/.test(e.message));
    const flood = join(tmp.dir, 'flood.tar.gz');
    await writeFile(flood, rawTarGz(Array.from({ length: 50 }, (_, i) => good(`cluster-resources/x/${i}.json`, '[]'))));
    await assert.rejects(readInputs([flood], { budget: { maxEntries: 10 } }), (e: unknown) => e instanceof BudgetError && /entry-count budget/.test(e.message));
  });

  it('openEntries yields relative paths with the root stripped, symlinks with their resolved target, content streamed', async () => {
    const archive = await packFolder(join(FIXTURES, 'formats/troubleshoot-v0.133-symlinks'), join(tmp.dir, 'support-bundle-2024-05-01T12_30_00.tar.gz'), {
      root: 'support-bundle-2024-05-01T12_30_00',
    });
    const source = await openEntries(archive);
    const seen: string[] = [];
    let versionYaml = '';
    for await (const entry of source) {
      seen.push(`${entry.type} ${entry.path}${entry.linkTarget ? ` -> ${entry.linkTarget}` : ''}`);
      if (entry.path === 'version.yaml') for await (const chunk of entry.stream()) versionYaml += chunk.toString();
    }
    assert.equal(source.root, 'support-bundle-2024-05-01T12_30_00');
    assert.match(versionYaml, /v0\.133\.0/);
    assert.ok(seen.includes('symlink velero/logs/velero-6b7f9c8d5-q2xlz/velero.log -> cluster-resources/pods/logs/velero/velero-6b7f9c8d5-q2xlz/velero.log'), seen.join('\n'));
    assert.ok(seen.includes('symlink cluster-resources/custom-resources/backups.velero.io/velero.yaml -> cluster-resources/custom-resources/backups.velero.io/velero.json'));
    assert.deepEqual(source.problems, []);
  });
});

describe('YAML copies of custom resources', () => {
  it('a broken YAML copy is no problem when its JSON is there, and the YAML is used (with its problem) when alone', async () => {
    const tmp = await tempDir();
    try {
      const copy = await copyFixture('formats/troubleshoot-v0.100-json-and-yaml', tmp.dir);
      const yamlPath = 'cluster-resources/custom-resources/backups.velero.io/velero.yaml';
      await writeFile(join(copy, yamlPath), '- apiVersion: velero.io/v1\n  kind: Backup\n  metadata: {name: [unclosed\n');
      const yamlFirst = await packFolder(copy, join(tmp.dir, 'yaml-first.tar.gz'), {
        order: (paths) => [...paths].sort((a, b) => Number(b.endsWith('.yaml')) - Number(a.endsWith('.yaml'))),
      });
      for (const input of [copy, yamlFirst]) {
        const bundle = await readInputs([input]);
        assert.deepEqual(bundle.problems, []);
        assert.equal(bundle.objects.count('Backup'), 2);
      }
      await rm(join(copy, 'cluster-resources/custom-resources/backups.velero.io/velero.json'));
      const alone = await readInputs([copy]);
      assert.equal(alone.objects.count('Backup'), 0);
      assert.deepEqual(alone.problems.map((p) => p.source), [yamlPath]);
      assert.match(alone.problems[0]!.message, /YAML/);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('archive layouts', () => {
  it('`./`-prefixed entries (tar -C dir .) with the bundle folder inside', async () => {
    const tmp = await tempDir();
    try {
      const archive = join(tmp.dir, 'packed.tar.gz');
      const root = './support-bundle-2024-05-01T12_30_00';
      await writeFile(
        archive,
        rawTarGz([
          { path: './', type: 'Directory' },
          { path: `${root}/`, type: 'Directory' },
          { path: `${root}/version.yaml`, content: 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n' },
          { path: `${root}/cluster-resources/custom-resources/backups.velero.io/velero.json`, content: JSON.stringify([{ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'b1', namespace: 'velero' }, status: { phase: 'Completed' } }]) },
          { path: `${root}/cluster-resources/pods/logs/velero/velero-1/velero.log`, content: 'time="2024-05-01T12:00:00Z" level=info msg="hello"\n' },
        ]),
      );
      const bundle = await readInputs([archive]);
      assert.equal(bundle.inputs[0]?.format, 'troubleshoot');
      assert.equal(bundle.objects.count('Backup'), 1);
      assert.deepEqual(bundle.logs.map((l) => l.path), ['cluster-resources/pods/logs/velero/velero-1/velero.log']);
      assert.equal(bundle.collectedAt, '2024-05-01T12:30:00Z');
    } finally {
      await tmp.cleanup();
    }
  });
});
