// Hostile input: every case ends with a one-line error or a `problems` entry, within bounded time and memory, writing nothing outside the output path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { decompressionBomb, rawTar, rawTarGz, type RawEntry } from './support/tar.js';
import { runChild, type ChildResult, type RunResult } from './support/run.js';

const MAX_RSS_MB = 500;
const BUDGET_MB = 256;
const LOG = 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log';
const LOG_LINES = [
  'time="2024-05-01T02:00:00Z" level=info msg="Starting Velero server v1.13.2" logSource="pkg/cmd/server/server.go:236"',
  'time="2024-05-01T02:00:02Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = AccessDenied: Access Denied" logSource="pkg/controller/backup_sync_controller.go:98"',
  '',
].join('\n');

let root: string;
let config: string;

/** Each test's own folders: `dir` for inputs, `work` (inside it) as the current folder and output place. */
async function folders(name: string): Promise<{ dir: string; work: string }> {
  const dir = join(root, name);
  const work = join(dir, 'work');
  await mkdir(work, { recursive: true });
  return { dir, work };
}

/** A healthy minimal troubleshoot bundle's entries, under a root folder. */
function bundleEntries(root = 'support-bundle'): RawEntry[] {
  return [
    { path: `${root}/version.yaml`, content: 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.100.0\n' },
    { path: `${root}/cluster-info/cluster_version.json`, content: '{"info":{"major":"1","minor":"29","gitVersion":"v1.29.4"},"string":"v1.29.4"}' },
    { path: `${root}/${LOG}`, content: LOG_LINES },
  ];
}

/** Fixed pseudo-random bytes (no secret-like text by chance, the same on every run). */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** The child finished in time and under the memory ceiling, with one result per run. */
function assertChild(child: ChildResult, runs: number): RunResult[] {
  console.log(`# child: ${runs} run(s), peak RSS ${child.maxRssMb} MB, ${child.seconds.toFixed(1)} s`);
  assert.equal(child.timedOut, false, `finished in time (${child.seconds.toFixed(1)} s)`);
  assert.equal(child.runs.length, runs, `every run finished (child exit ${child.exitCode}): ${child.crash}`);
  assert.ok(child.maxRssMb > 0 && child.maxRssMb < MAX_RSS_MB, `peak RSS ${child.maxRssMb} MB stays under ${MAX_RSS_MB} MB`);
  return child.runs;
}

/** An expected exit code, no stack trace; an exit 2 is one line naming the input. */
function assertRun(result: RunResult | undefined, input: string, codes: number[]): RunResult {
  assert.ok(result);
  assert.ok(codes.includes(result.code), `exit code ${result.code} is one of ${codes.join(', ')}; stderr: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  if (result.code === 2) {
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${result.stderr}`);
    assert.ok(lines[0]!.includes(input), `the error names the input: ${lines[0]}`);
  }
  return result;
}

function problemsOf(result: RunResult): { source: string; message: string }[] {
  return (JSON.parse(result.stdout) as { problems: { source: string; message: string }[] }).problems;
}

/** Nothing but the expected names in the work folder, and no temporary files left. */
async function assertWorkHolds(work: string, names: string[]): Promise<void> {
  assert.deepEqual((await readdir(work)).sort(), [...names].sort());
}

// Two at a time: each case is a child process that mostly waits on its own input.
describe('hostile input', { concurrency: 2 }, () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sd-hostile-'));
    config = join(root, 'config.yaml');
    await writeFile(config, `budget:\n  maxDecompressedBytes: ${BUDGET_MB * 1024 * 1024}\n`);
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('entries with `..`, absolute paths, links out, hard links and devices are listed as problems and never followed or written', async () => {
    const { dir, work } = await folders('traversal');
    const abs = join(tmpdir(), `sd-hostile-absolute-${process.pid}.txt`);
    const input = join(dir, 'traversal.tar.gz');
    await writeFile(
      input,
      rawTarGz([
        ...bundleEntries(),
        { path: 'support-bundle/../../escaped.txt', content: 'escaped' },
        { path: abs, content: 'absolute' },
        { path: 'support-bundle/link-out', type: 'SymbolicLink', linkpath: '/etc/passwd' },
        { path: 'support-bundle/link-up', type: 'SymbolicLink', linkpath: '../../../..' },
        { path: 'support-bundle/link-up/through-link.txt', content: 'through a link' },
        { path: 'support-bundle/hard-link', type: 'Link', linkpath: '/etc/passwd' },
        { path: 'support-bundle/device', type: 'CharacterDevice' },
        { path: 'support-bundle/fifo', type: 'FIFO' },
      ]),
    );
    const output = join(work, 'redacted.tar.gz');
    const [analyzed, redacted] = assertChild(
      await runChild([['analyze', input, '--format', 'json', '--fail-on', 'none'], ['redact', input, '--output', output]], { cwd: work }),
      2,
    );
    const problems = problemsOf(assertRun(analyzed, input, [0])).map((p) => `${p.source}: ${p.message}`).join('\n');
    for (const expected of [/escaped\.txt.*not followed/, /absolute.*not followed/, /link-out.*outside/, /link-up.*outside/, /hard-link.*hard link/, /device/i, /fifo/i]) {
      assert.match(problems, expected);
    }

    assert.match(assertRun(redacted, input, [0]).stderr, /link-out.*outside/);
    const paths: string[] = [];
    await tar.t({ file: output, onReadEntry: (entry) => paths.push(entry.path) });
    for (const path of paths) assert.ok(path.startsWith('support-bundle/') && !path.includes('..'), `${path} stays inside the bundle`);
    assert.ok(!paths.some((p) => /escaped|absolute|link-out|hard-link|device|fifo/.test(p)), paths.join(', '));
    // `link-up/through-link.txt` is an ordinary file inside the bundle once the link before it was dropped.
    const links: string[] = [];
    await tar.t({ file: output, onReadEntry: (entry) => entry.type === 'SymbolicLink' && links.push(entry.path) });
    assert.deepEqual(links, []);
    assert.ok(paths.includes('support-bundle/snapshot-doctor/redactions.json'));

    for (const escaped of [abs, join(work, '../../escaped.txt'), join(dir, '../escaped.txt'), join(work, 'escaped.txt')]) {
      assert.equal(existsSync(escaped), false, `${escaped} was not written`);
    }
    await assertWorkHolds(work, ['redacted.tar.gz']);
    await rm(output);
  });

  test('a decompression bomb stops at the size budget with a clear message, and nothing is written', async () => {
    const { dir, work } = await folders('bomb');
    const input = join(dir, 'bomb.tar.gz');
    // 16 GB of zeros in a few MB.
    await writeFile(input, decompressionBomb(16, `support-bundle/${LOG}`));
    assert.ok((await stat(input)).size < 32 * 1024 * 1024);
    const runs = assertChild(
      await runChild(
        [
          ['analyze', input, '--format', 'json', '--config', config],
          ['redact', input, '--output', join(work, 'bomb-redacted.tar.gz'), '--config', config],
        ],
        { cwd: work },
      ),
      2,
    );
    for (const result of runs) {
      assertRun(result, input, [2]);
      assert.match(result.stderr, new RegExp(`more than ${BUDGET_MB} MB.*budget`));
      assert.equal(result.stdout, '');
    }
    await assertWorkHolds(work, []);
  });

  test('a single log line of hundreds of MB is read and redacted in bounded memory', async () => {
    const { dir, work } = await folders('long-line');
    const input = join(dir, 'velero.log');
    const out = createWriteStream(input);
    out.write('time="2024-05-01T02:00:00Z" level=info msg="');
    const filler = Buffer.alloc(1024 * 1024, 'abcdefgh ');
    for (let i = 0; i < 200; i++) if (!out.write(filler)) await once(out, 'drain');
    out.end('" password=hunter2-at-the-end\nlevel=error msg="after the long line" token=second-secret-value\n');
    await once(out, 'finish');
    const output = join(work, 'velero-redacted.log');
    const [analyzed, redacted] = assertChild(
      await runChild([['analyze', input, '--format', 'json', '--fail-on', 'none'], ['redact', input, '--output', output]], { cwd: work }),
      2,
    );
    assertRun(analyzed, input, [0]);
    assertRun(redacted, input, [0]);
    const size = (await stat(output)).size;
    assert.ok(Math.abs(size - (await stat(input)).size) < 1024, 'the copy is complete');
    const handle = await (await import('node:fs/promises')).open(output);
    const tail = Buffer.alloc(200);
    await handle.read(tail, 0, 200, size - 200);
    await handle.close();
    assert.match(tail.toString(), /password=\*\*\*HIDDEN\*\*\*\nlevel=error msg="after the long line" token=\*\*\*HIDDEN\*\*\*\n$/);
    await rm(output);
    await rm(input);
  });

  test('hundreds of thousands of tiny files: analyze reads up to the entry budget, redact stops there, in bounded time and memory', async () => {
    const { dir, work } = await folders('many-files');
    const input = join(dir, 'many-files.tar.gz');
    // Streamed to disk: 250,000 entries are 250 MB of tar blocks.
    const gzip = createGzip({ level: 1 });
    const done = pipeline(gzip, createWriteStream(input));
    gzip.write(rawTar(bundleEntries()).subarray(0, -1024));
    for (let batch = 0; batch < 250; batch++) {
      const entries: RawEntry[] = [];
      for (let i = batch * 1000; i < (batch + 1) * 1000; i++) entries.push({ path: `support-bundle/tiny/${i % 500}/${i}.txt`, content: 'x' });
      if (!gzip.write(rawTar(entries).subarray(0, -1024))) await once(gzip, 'drain');
    }
    gzip.end(Buffer.alloc(1024));
    await done;
    // analyze reads up to the default entry budget (200,000); redact stops at a lower one from the config.
    const entriesConfig = join(dir, 'entries.yaml');
    await writeFile(entriesConfig, 'budget:\n  maxEntries: 20000\n');
    const [analyzed, redacted] = assertChild(
      await runChild(
        [
          ['analyze', input, '--format', 'json', '--fail-on', 'none'],
          ['redact', input, '--output', join(work, 'out.tar.gz'), '--config', entriesConfig],
        ],
        { cwd: work },
      ),
      2,
    );
    // What was read is analyzed, and the cut is a problem; a redacted copy is never partial.
    const problems = problemsOf(assertRun(analyzed, input, [0]));
    assert.ok(problems.some((p) => p.source === input && /more than 200000 entries \(the entry-count budget/.test(p.message)), JSON.stringify(problems.slice(0, 5)));
    assertRun(redacted, input, [2]);
    assert.match(redacted!.stderr, /more than 20000 entries \(the entry-count budget\)/);
    await assertWorkHolds(work, []);
  });

  test('JSON nested 100,000 levels deep is a problem entry; the rest of the bundle is read', async () => {
    const { dir, work } = await folders('deep-json');
    const root = join(dir, 'deep-json');
    await mkdir(join(root, 'cluster-resources/custom-resources/backupstoragelocations.velero.io'), { recursive: true });
    await mkdir(join(root, 'cluster-resources/custom-resources/backups.velero.io'), { recursive: true });
    await mkdir(join(root, 'cluster-resources/pods/logs/velero/velero-7d9f-abcde'), { recursive: true });
    await writeFile(join(root, 'version.yaml'), 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n');
    await writeFile(join(root, LOG), LOG_LINES);
    await writeFile(join(root, 'cluster-resources/custom-resources/backupstoragelocations.velero.io/velero.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await writeFile(join(root, 'cluster-resources/custom-resources/backups.velero.io/velero.json'), `[${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}]`);
    const [result] = assertChild(await runChild([['analyze', root, '--format', 'json', '--fail-on', 'none']], { cwd: work }), 1);
    const problems = problemsOf(assertRun(result, root, [0]));
    assert.ok(problems.some((p) => p.source.includes('backupstoragelocations.velero.io/velero.json')), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.source.includes('backups.velero.io/velero.json')), JSON.stringify(problems));
  });

  test('YAML alias bombs (billion laughs) are problem entries or one-line errors, in bounded memory', async () => {
    const { dir, work } = await folders('yaml-bomb');
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      laughs.push(`${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    }
    const bomb = `${laughs.join('\n')}\nkind: Backup\n`;
    const root = join(dir, 'yaml-bomb');
    await mkdir(join(root, 'cluster-resources/custom-resources/backups.velero.io'), { recursive: true });
    await writeFile(join(root, 'version.yaml'), 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n');
    // troubleshoot before v0.76 wrote custom resources as YAML only.
    await writeFile(join(root, 'cluster-resources/custom-resources/backups.velero.io/velero.yaml'), `- ${bomb.split('\n').join('\n  ')}`);
    const single = join(dir, 'dump.yaml');
    await writeFile(single, `apiVersion: velero.io/v1\n${bomb}metadata:\n  name: b1\n`);
    const [inBundle, alone] = assertChild(
      await runChild(
        [
          ['analyze', root, '--format', 'json', '--fail-on', 'none'],
          ['analyze', single, '--format', 'json', '--fail-on', 'none', '--input-format', 'kubectl-dump'],
        ],
        { cwd: work },
      ),
      2,
    );
    assert.ok(problemsOf(assertRun(inBundle, root, [0])).some((p) => p.source.includes('backups.velero.io/velero.yaml')));
    assertRun(alone, single, [0, 2]);
  });

  test('invalid UTF-8, NUL bytes and a binary file where a log should be: skipped by analyze with a problem, redacted byte for byte', async () => {
    const { dir, work } = await folders('binary');
    const binary = Buffer.concat([noise(64 * 1024), Buffer.from([0, 0, 0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(LOG_LINES)]);
    const input = join(dir, 'binary-log.tar.gz');
    await writeFile(input, rawTarGz([...bundleEntries().slice(0, 2), { path: `support-bundle/${LOG}`, content: binary }]));
    const output = join(work, 'binary-redacted.tar.gz');
    const [analyzed, redacted] = assertChild(
      await runChild([['analyze', input, '--format', 'json', '--fail-on', 'none'], ['redact', input, '--output', output]], { cwd: work }),
      2,
    );
    const problems = problemsOf(assertRun(analyzed, input, [0]));
    assert.ok(problems.some((p) => p.source === LOG && /^binary data where a log should be: skipped$/.test(p.message)), JSON.stringify(problems));
    assertRun(redacted, input, [0]);
    let copied: Buffer | undefined;
    await tar.t({
      file: output,
      onReadEntry: (entry) => {
        if (entry.path.endsWith('velero.log')) {
          const chunks: Buffer[] = [];
          entry.on('data', (c: Buffer) => chunks.push(c));
          entry.on('end', () => (copied = Buffer.concat(chunks)));
        }
      },
    });
    assert.ok(copied?.equals(binary), 'the binary log is copied byte for byte');
    await rm(output);
  });

  test('truncated, empty and random files named .tar.gz are one-line errors (exit 2)', async () => {
    const { dir, work } = await folders('broken-archives');
    const good = rawTarGz([...bundleEntries(), ...Array.from({ length: 50 }, (_, i) => ({ path: `support-bundle/pad/${i}.txt`, content: randomBytes(2048).toString('hex') }))]);
    const cases: [string, Buffer][] = [
      ['empty.tar.gz', Buffer.alloc(0)],
      ['random.tar.gz', randomBytes(100_000)],
      ['gzip-of-random.tar.gz', gzipSync(randomBytes(100_000))],
      ['truncated-header.tar.gz', good.subarray(0, 20)],
      ['tar-of-nothing.tar.gz', gzipSync(Buffer.alloc(0))],
      ['zeros.tar', Buffer.alloc(10_240)],
      ['not-gzip.tgz', rawTar(bundleEntries()).subarray(0, 300)],
    ];
    const inputs = cases.map(([name]) => join(dir, name));
    for (const [i, [, bytes]] of cases.entries()) await writeFile(inputs[i]!, bytes);
    // Truncated in the middle: what came before the cut is read, the cut is a problem.
    const truncated = join(dir, 'truncated-middle.tar.gz');
    await writeFile(truncated, good.subarray(0, Math.floor(good.length * 0.6)));
    const runs = assertChild(
      await runChild(
        [
          ...inputs.flatMap((input) => [
            ['analyze', input, '--format', 'json'],
            ['redact', input, '--output', join(work, 'out.tar.gz')],
          ]),
          ['analyze', truncated, '--format', 'json', '--fail-on', 'none'],
        ],
        { cwd: work },
      ),
      inputs.length * 2 + 1,
    );
    inputs.forEach((input, i) => {
      assertRun(runs[2 * i], input, [2]);
      assertRun(runs[2 * i + 1], input, [2]);
    });
    const result = assertRun(runs.at(-1), truncated, [0, 2]);
    if (result.code === 0) assert.ok(problemsOf(result).some((p) => /truncated|corrupt/.test(p.message)));
    await assertWorkHolds(work, []);
  });
});
