// `snapshot-doctor analyze --each`: exit code the worst of all, summary formats, per-input reports, usage errors before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFolderNames } from '../../src/cli/commands/analyze-each.js';
import { runCli } from '../support/cli.js';

test('--each over a folder of bundles and a mixed folder: a row per input, exit 2 for the unreadable ones', async () => {
  const result = await runCli(['analyze', '--each', 'fixtures/diff', 'fixtures/batch', '--jobs', '2']);
  assert.equal(result.code, 2, 'an unreadable input makes the worst exit code 2');
  assert.match(result.stdout, /5 inputs analyzed \(2 workers, [\d.]+ s\): 3 with findings, 2 unreadable/);
  assert.match(result.stdout, /error: fixtures\/batch\/support-bundle-truncated\.tar\.gz/);
});

test('--each: findings give 1 at --fail-on, none gives 0; JSON Lines on stdout, one report per line', async () => {
  const args = ['analyze', '--each', 'fixtures/diff', '--jobs', '1', '--format', 'json'];
  const failing = await runCli(args);
  assert.equal(failing.code, 1);
  const lines = failing.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { input: { path: string } });
  assert.deepEqual(lines.map((l) => l.input.path), ['fixtures/diff/after', 'fixtures/diff/before']);
  assert.equal((await runCli([...args, '--fail-on', 'none'])).code, 0);
});

test('--each --output-dir: a summary per format and a folder of reports per readable input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-each-cli-'));
  try {
    const result = await runCli(['analyze', '--each', 'fixtures/diff', 'fixtures/batch/velero.log', '-f', 'html', '-f', 'json', '--output-dir', dir, '--fail-on', 'none', '-j', '1']);
    assert.equal(result.code, 0);
    for (const path of ['summary.html', 'summary.jsonl', 'after/report.html', 'after/report.json', 'before/report.json', 'velero.log/report.html']) {
      assert.ok(existsSync(join(dir, path)), path);
    }
    assert.equal(JSON.parse(readFileSync(join(dir, 'before/report.json'), 'utf8')).input.path, 'fixtures/diff/before');
    assert.match(readFileSync(join(dir, 'summary.html'), 'utf8'), /<a href="velero\.log\/report\.html">fixtures\/batch\/velero\.log<\/a>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--each usage errors exit 64 before any work', async () => {
  for (const argv of [
    ['analyze', '--each', 'fixtures/diff', '--format', 'junit'],
    ['analyze', '--each', 'fixtures/diff', '-f', 'html', '-f', 'json'],
    ['analyze', 'fixtures/diff', '--jobs', '2'],
    ['analyze', '--each', 'fixtures/diff', '--jobs', '0'],
  ]) {
    const result = await runCli(argv);
    assert.equal(result.code, 64, argv.join(' '));
    assert.equal(result.stdout, '');
  }
});

test('per-input report folders: archive extensions dropped, duplicates numbered', () => {
  assert.deepEqual(reportFolderNames(['a/support-bundle.tar.gz', 'b/support-bundle.tgz', 'c/velero.log', 'd/x/']), [
    'support-bundle',
    'support-bundle-2',
    'velero.log',
    'x',
  ]);
});
