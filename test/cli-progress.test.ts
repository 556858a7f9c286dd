// The progress display: drawn on stderr whenever it is a terminal (stdout piped or not), never when stderr is a file or with --quiet; one line within the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createProgress, progressLine } from '../src/cli/progress.js';

/** A stand-in for stderr: a terminal of `columns` or not, keeping what is written. */
function fakeStderr(isTTY: boolean, columns = 80) {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  Object.assign(stream, { isTTY, columns, cursorTo: (_x: number, _y: number | undefined, cb?: () => void) => cb?.(), clearLine: () => true });
  return { stream, written };
}

test('a line: phase, bar, percentage and decompressed MB with the rate; within 80 columns', () => {
  const line = progressLine({ phase: 'reading', input: '/data/support-bundle.tar.gz', done: 120e6, total: 265e6, unit: 'bytes' }, 80, 3000);
  assert.match(line, /^reading support-bundle\.tar\.gz \[█+░+\] {2}45% 120\/265 MB +40\.0 MB\/s$/);
  assert.ok(line.length <= 79, line);
});

test('the bar keeps its place as the count grows and the rate appears', () => {
  const at = (done: number, elapsedMs: number) => progressLine({ phase: 'reading', input: 'b.tar.gz', done, total: 265e6, unit: 'bytes' }, 80, elapsedMs);
  const bars = [at(0, 0), at(5e6, 200), at(120e6, 3000), at(265e6, 6000)].map((line) => /\[[█░]+\]/.exec(line)![0].length);
  assert.deepEqual(new Set(bars).size, 1, String(bars));
  assert.match(at(5e6, 200), / 5\/265 MB$/);
});

test('no total: bytes and rate, no bar and no percentage', () => {
  const line = progressLine({ phase: 'reading', input: 'velero.log.gz', done: 3.2e6, unit: 'bytes' }, 80, 1000);
  assert.equal(line, 'reading velero.log.gz 3.2 MB 3.2 MB/s');
});

test('rules, report and writing phases say what is being done', () => {
  assert.match(progressLine({ phase: 'rules', done: 40, total: 96, unit: 'rules' }, 80, 0), /^evaluating rules \[█+░+\] {2}41% 40\/96$/);
  assert.equal(progressLine({ phase: 'report', done: 0, total: 1, unit: 'steps' }, 80, 0), 'building the report');
  assert.equal(progressLine({ phase: 'writing', input: '/tmp/out/report.html', done: 0, unit: 'steps' }, 80, 0), 'writing report.html');
});

test('a long name is cut in its middle, and a narrow terminal drops the rate before the bar', () => {
  const p = { phase: 'reading' as const, input: `support-bundle-${'x'.repeat(80)}-2024-05-01T12_30_00.tar.gz`, done: 5e9, total: 12e9, unit: 'bytes' as const };
  for (const columns of [40, 80, 140]) {
    const line = progressLine(p, columns, 10_000);
    assert.ok(line.length <= columns - 1, `${columns}: ${line}`);
    assert.match(line, /\[█+░+\]/, `${columns}: ${line}`);
    assert.match(line, /…/);
  }
  assert.ok(!progressLine(p, 40, 10_000).includes('MB/s'));
  assert.ok(progressLine(p, 140, 10_000).includes('500.0 MB/s'));
});

test('draws on a terminal stderr; nothing on a stderr that is not one, nor with --quiet', () => {
  const progress = { phase: 'reading' as const, input: 'b.tar.gz', done: 1e6, total: 2e6, unit: 'bytes' as const };
  const tty = fakeStderr(true);
  const shown = createProgress({ quiet: false, stream: tty.stream });
  shown.update(progress);
  shown.stop();
  assert.match(tty.written.join(''), /reading b\.tar\.gz \[/);
  for (const [isTTY, quiet] of [
    [false, false],
    [true, true],
  ]) {
    const other = fakeStderr(isTTY!);
    const hidden = createProgress({ quiet: quiet!, stream: other.stream });
    hidden.update(progress);
    hidden.stop();
    assert.deepEqual(other.written, [], `isTTY ${isTTY}, quiet ${quiet}`);
  }
});

const script = ['/usr/bin/script', '/bin/script'].find(existsSync);

test('the CLI under a terminal: drawn with stdout piped, not with stderr in a file', { skip: script ? false : 'no script(1)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-progress-'));
  try {
    const entry = "import { main } from './src/cli/main.ts'; process.exitCode = await main(['analyze', 'fixtures/sample-bundle', '-f', 'json', '--fail-on', 'none']);";
    const node = `'${process.execPath}' --import tsx --input-type=module -e "$ENTRY"`;
    const run = (command: string) =>
      spawnSync(script!, ['-qec', command, '/dev/null'], { env: { ...process.env, ENTRY: entry, COLUMNS: '80' }, encoding: 'utf8', timeout: 60_000 });
    const piped = run(`${node} | cat > '${join(dir, 'report.json')}'`);
    assert.equal(piped.status, 0, piped.stderr);
    assert.match(piped.stdout, /reading sample-bundle/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).tool.name, 'snapshot-doctor');
    const toFile = run(`${node} > /dev/null 2> '${join(dir, 'stderr.txt')}'`);
    assert.equal(toFile.status, 0, toFile.stderr);
    const seen = toFile.stdout + readFileSync(join(dir, 'stderr.txt'), 'utf8');
    assert.ok(!/reading|evaluating/.test(seen) && !seen.includes(String.fromCharCode(27)), seen);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
