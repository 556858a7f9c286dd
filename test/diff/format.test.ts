// The diff in every format, and `snapshot-doctor diff` on the command line (exit code by new and persisting findings only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diff } from '../../src/diff/index.js';
import { DIFF_FORMAT_NAMES, formatDiff } from '../../src/diff/format/index.js';
import type { DiffReport } from '../../src/diff/types.js';
import { runCli } from '../support/cli.js';
import { manyBackupsReport } from '../support/many-backups.js';

let cached: DiffReport | undefined;
async function fixtureDiff(): Promise<DiffReport> {
  cached ??= await diff('fixtures/diff/before', 'fixtures/diff/after', { now: new Date('2024-06-06T00:00:00Z') });
  return cached;
}

/** The fixture diff with a hostile title and object name, as a bundle could carry them. */
async function hostileDiff(): Promise<DiffReport> {
  const d = structuredClone(await fixtureDiff());
  const first = d.findings[0]!;
  first.finding.title = '<script>alert(1)</script> | `x` [link](javascript:x)';
  first.finding.resources = [{ kind: 'Pod', namespace: 'velero', name: 'a\u001b[2Jb' }];
  return d;
}

test('text: the verdict, findings by status, the upgrade and the runs in between, within 80 columns', async () => {
  const text = formatDiff(await fixtureDiff(), 'text', { width: 80 });
  assert.match(text, /5 resolved, 1 new, 4 still there/);
  assert.match(text, /velero\s+1\.13\.2 → 1\.14\.1 \(upgraded\)/);
  assert.match(text, /BackupStorageLocation velero\/default: phase Unavailable → Available/);
  assert.match(text, /before on: Backup velero\/daily-20240601020000/);
  assert.match(text, /2024-06-05 02:00 {2}Backup {3}PartiallyFailed daily-20240605020000/);
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  assert.ok(text.indexOf('New (1') < text.indexOf('Still there (4') && text.indexOf('Still there (4') < text.indexOf('Resolved (5'));
});

test('HTML: when one side has too many runs to mark, both timelines are drawn by day on one axis', async () => {
  const d = structuredClone(await fixtureDiff());
  const many = manyBackupsReport(1_000).details;
  d.old.timeline = { backups: many.backups, restores: [], truncated: true, runsByDay: many.runsByDay! };
  const html = formatDiff(d, 'html');
  const tracks = [...html.matchAll(/<svg width="(\d+)"[^>]*role="img"/g)].map((m) => m[1]);
  assert.equal(tracks.length, 2);
  assert.equal(tracks[0], tracks[1], 'one width, one axis');
  assert.ok(!/<circle cx="[\d.]+" cy="\d+" r="5"[^>]*><title>/.test(html), 'no mark per run on either side');
  assert.match(html, /<title>2024-04-05, schedule daily: 24 backups \(1 partially failed, 23 completed\)<\/title>/);
});

test('text never passes terminal control characters through', async () => {
  const text = formatDiff(await hostileDiff(), 'text');
  assert.ok(!text.includes('\u001b'));
  assert.ok(text.includes('a\\u001b[2Jb'));
});

test('markdown: tables per status; HTML: both timelines and escaped text; JSON: the DiffReport; JUnit: failures for open findings', async () => {
  const d = await hostileDiff();
  const md = formatDiff(d, 'markdown');
  assert.match(md, /### New \(1\)/);
  assert.match(md, /### Resolved \(5\)/);
  assert.ok(!md.includes('<script>') && !md.includes('](javascript'), 'title escaped in Markdown');
  const html = formatDiff(d, 'html');
  assert.equal((html.match(/role="img" aria-label="[^"]*: backups and restores over time/g) ?? []).length, 2, 'the two timelines');
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&lt;script&gt;'));
  const json = JSON.parse(formatDiff(d, 'json')) as DiffReport;
  assert.equal(json.kind, 'diff');
  assert.equal(json.summary.resolved, 5);
  const junit = formatDiff(d, 'junit');
  assert.match(junit, /<testsuites name="snapshot-doctor diff" tests="10" failures="5"/);
  assert.equal((junit.match(/<failure /g) ?? []).length, 5);
  assert.deepEqual(DIFF_FORMAT_NAMES, ['text', 'markdown', 'html', 'json', 'junit']);
});

test('CLI: exit 1 on new or persisting errors; resolved criticals never count', async () => {
  const result = await runCli(['diff', 'fixtures/diff/before', 'fixtures/diff/after', '--format', 'json']);
  assert.equal(result.code, 1);
  assert.equal(JSON.parse(result.stdout).kind, 'diff');
  // The old input's criticals are resolved, and nothing open is critical.
  assert.equal((await runCli(['diff', 'fixtures/diff/before', 'fixtures/diff/after', '--format', 'json', '--fail-on', 'critical'])).code, 0);
  // Swapped, the criticals are new.
  assert.equal((await runCli(['diff', 'fixtures/diff/after', 'fixtures/diff/before', '--format', 'json', '--fail-on', 'critical'])).code, 1);
});

test('CLI: several formats into --output-dir; bad usage exits 64; an unreadable input exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-diff-'));
  try {
    const result = await runCli(['diff', 'fixtures/diff/before', 'fixtures/diff/after', '-f', 'html', '-f', 'markdown', '--output-dir', dir, '--fail-on', 'none']);
    assert.equal(result.code, 0);
    assert.ok(existsSync(join(dir, 'diff.html')) && existsSync(join(dir, 'diff.md')));
    assert.equal((await runCli(['diff', 'fixtures/diff/before', 'fixtures/diff/after', '-f', 'html', '-f', 'json'])).code, 64);
    assert.equal((await runCli(['diff', 'fixtures/diff/before', 'fixtures/diff/after', '-f', 'pdf'])).code, 64);
    assert.equal((await runCli(['diff', 'fixtures/diff/before'])).code, 64);
    const missing = await runCli(['diff', 'fixtures/diff/before', join(dir, 'nope.tar.gz')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
