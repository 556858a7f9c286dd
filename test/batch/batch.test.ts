// analyzeEach(): one analysis per input on worker threads, folders expanded, unreadable inputs as error entries; the summary and its formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEach, expandInputs, type BatchResult } from '../../src/batch/index.js';
import { formatBatch } from '../../src/batch/format/index.js';
import { summarizeBatch } from '../../src/batch/summary.js';

const INPUTS = ['fixtures/diff', 'fixtures/batch', 'fixtures/no-such-bundle.tar.gz'];
const EXPANDED = [
  'fixtures/diff/after',
  'fixtures/diff/before',
  'fixtures/batch/call-notes.txt',
  'fixtures/batch/support-bundle-truncated.tar.gz',
  'fixtures/batch/velero.log',
  'fixtures/no-such-bundle.tar.gz',
];

let cached: BatchResult | undefined;
async function fixtureBatch(): Promise<BatchResult> {
  cached ??= await analyzeEach(INPUTS, { concurrency: 2 });
  return cached;
}

test('a folder of bundles expands to them; a bundle folder, a file and a missing path stay as given; READMEs are skipped', async () => {
  assert.deepEqual(await expandInputs(INPUTS), EXPANDED);
  assert.deepEqual(await expandInputs(['fixtures/formats/snapshot-doctor-collect']), ['fixtures/formats/snapshot-doctor-collect']);
});

test('one entry per input in the order given, on two workers; unreadable inputs are entries with their error', async () => {
  const result = await fixtureBatch();
  assert.equal(result.workers, 2);
  assert.deepEqual(result.entries.map((e) => e.input), EXPANDED);
  const outcome = result.entries.map((e) => (e.report ? `report ${e.report.input.format}` : `error ${e.error?.exitCode}`));
  assert.deepEqual(outcome, ['report troubleshoot', 'report troubleshoot', 'error 2', 'error 2', 'report log-file', 'error 2']);
  assert.match(result.entries[3]!.error!.message, /support-bundle-truncated\.tar\.gz: .*truncated/);
  assert.match(result.entries[5]!.error!.message, /no-such-bundle\.tar\.gz: no such file/);
});

test('on worker threads or one after another on this thread, the same findings', async () => {
  const inline = await analyzeEach(['fixtures/diff'], { concurrency: 0 });
  assert.equal(inline.workers, 0);
  const threaded = (await fixtureBatch()).entries.slice(0, 2);
  assert.deepEqual(
    inline.entries.map((e) => e.report?.findings.map((f) => f.ruleId)),
    threaded.map((e) => e.report?.findings.map((f) => f.ruleId)),
  );
});

test('a worker that runs out of its heap fails its input with one line, and the batch goes on with a fresh worker', async () => {
  const result = await analyzeEach(['fixtures/diff/before', 'fixtures/diff/after'], { concurrency: 1, heapLimitMb: 4 });
  assert.equal(result.entries.length, 2);
  for (const entry of result.entries) assert.match(entry.error?.message ?? '', /ran out of memory|stopped/);
});

test('an empty folder is one error entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-each-'));
  try {
    mkdirSync(join(dir, 'empty'));
    const result = await analyzeEach([join(dir, 'empty')], { concurrency: 1 });
    assert.equal(result.entries.length, 1);
    assert.equal(result.entries[0]!.error?.exitCode, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the summary: a row per input, and each rule counted once per input it fired in', async () => {
  const summary = summarizeBatch(await fixtureBatch());
  assert.deepEqual(summary.totals, { inputs: 6, read: 3, unreadable: 3, withFindings: 3, counts: summary.totals.counts });
  assert.equal(summary.rows[1]!.topCause?.ruleId, 'objstore-access-denied');
  assert.equal(summary.rows[0]!.velero, '1.14.1');
  const backupFailed = summary.rules.find((r) => r.ruleId === 'backup-failed');
  assert.equal(backupFailed?.inputs, 2, 'fired in before and after');
  const counts = summary.rules.map((r) => r.inputs);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'most widespread first');
});

test('text, Markdown, HTML and JSON Lines summaries', async () => {
  const result = await fixtureBatch();
  const text = formatBatch(result, 'text', { width: 80 });
  for (const input of EXPANDED) assert.ok(text.includes(input), input);
  assert.match(text, /error: fixtures\/batch\/call-notes\.txt: not a Velero log/);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  const md = formatBatch(result, 'markdown');
  assert.equal(md.split('\n').filter((l) => l.startsWith('| fixtures/')).length, 6);
  assert.match(md, /\*\*unreadable:\*\*/);
  const html = formatBatch(result, 'html');
  assert.equal((html.match(/<tr class="unreadable">/g) ?? []).length, 3);
  const lines = formatBatch(result, 'json').trimEnd().split('\n').map((l) => JSON.parse(l) as { schemaVersion: number; findings?: unknown[]; error?: { exitCode: number }; input: { path: string } });
  assert.equal(lines.length, 6);
  assert.ok(lines.every((l) => l.schemaVersion === 1));
  assert.deepEqual(lines.map((l) => (l.error ? 'error' : 'report')), ['report', 'report', 'error', 'error', 'report', 'error']);
  assert.equal(lines[5]!.input.path, 'fixtures/no-such-bundle.tar.gz');
});

test('HTML links to per-input reports stay relative and inside the output folder', async () => {
  const result = await fixtureBatch();
  const html = formatBatch(result, 'html', {
    // Entries 2 and 3 are unreadable: they have no reports to link to.
    reportHrefs: ['after/report.html', '/etc/passwd', undefined, undefined, 'javascript:alert(1)/report.html', '../escape/report.html'],
  });
  assert.ok(html.includes('<a href="after/report.html">fixtures/diff/after</a>'));
  assert.ok(html.includes('<td>fixtures/diff/before</td>'), 'an absolute link is dropped');
  assert.ok(!html.includes('href="../'));
  assert.ok(!html.includes('href="/'));
  assert.ok(html.includes('href="javascript%3Aalert(1)/report.html"'), 'a colon is encoded, so no scheme');
});
