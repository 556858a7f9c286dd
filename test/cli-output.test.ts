// Report output from the CLI: format from the -o extension, `md` for markdown, the short summary beside written paths, FORCE_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/cli.js';
import { wantColor } from '../src/cli/io.js';
import { formatOfPath } from '../src/cli/commands/shared.js';
import { tempDir } from './support/temp.js';

test('-o report.html writes HTML without --format, and prints the verdict beside the path', async () => {
  const dir = tempDir('sd-out-');
  const out = join(dir, 'report.html');
  const result = await runCli(['analyze', 'fixtures/sample-bundle', '-o', out, '--fail-on', 'none']);
  assert.equal(result.code, 0);
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
  assert.match(result.stderr, /\d+ findings \(2 critical/);
  assert.match(result.stderr, /Fix first:\n {2}1\. CRITICAL The object store denies access/);
  assert.match(result.stderr, /wrote .*report\.html/);
});

test('--format md is markdown; a file name without a known extension keeps the default', async () => {
  const result = await runCli(['analyze', 'fixtures/sample-bundle', '--format', 'md', '--fail-on', 'none']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^## snapshot-doctor report/);
  assert.equal(formatOfPath('out/report.MD'), 'markdown');
  assert.equal(formatOfPath('report.json'), 'json');
  assert.equal(formatOfPath('report.pdf'), undefined);
  assert.equal(formatOfPath('report'), undefined);
});

test('FORCE_COLOR turns colours on off a terminal, FORCE_COLOR=0 and NO_COLOR turn them off', () => {
  const saved = { force: process.env.FORCE_COLOR, no: process.env.NO_COLOR };
  const notTty = { isTTY: false } as NodeJS.WriteStream;
  const tty = { isTTY: true } as NodeJS.WriteStream;
  try {
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
    assert.equal(wantColor(notTty), true);
    process.env.FORCE_COLOR = '0';
    assert.equal(wantColor(tty), false);
    delete process.env.FORCE_COLOR;
    assert.equal(wantColor(tty), true);
    assert.equal(wantColor(notTty), false);
    process.env.NO_COLOR = '1';
    assert.equal(wantColor(tty), false);
  } finally {
    if (saved.force === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved.force;
    if (saved.no === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.no;
  }
});
