// The HTML timeline: one mark per run for small inputs, one stacked cell per day (counts in the tooltip, links to findings) for long histories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline, MAX_MARKS_PER_ROW, segmentHeights, timelineMode } from '../../src/formatters/html-timeline.js';
import { formatHtml } from '../../src/formatters/html.js';
import type { KubeObject } from '../../src/model/kube.js';
import { MAX_FAILED_NAMES, runsByDay } from '../../src/report/runs-by-day.js';
import { hourlyBackups, manyBackupsReport } from '../support/many-backups.js';

const timelineOf = (html: string) => html.slice(html.indexOf('<h2 id="timeline">'), html.indexOf('<h2 id="findings">'));

test('runsByDay counts every run per UTC day, schedule and phase, with the names of the failures', () => {
  const restore = { kind: 'Restore', metadata: { name: 'r1' }, status: { phase: 'Failed', startTimestamp: '2024-04-01T23:59:59Z' } } as KubeObject;
  const manual = { kind: 'Backup', metadata: { name: 'm1', creationTimestamp: '2024-04-02T00:00:00Z' }, status: { phase: 'FailedValidation' } } as KubeObject;
  const days = runsByDay([...hourlyBackups(10_000), manual], [restore]);
  const daily = days.filter((d) => d.schedule === 'daily');
  assert.equal(daily.length, Math.ceil(10_000 / 24));
  assert.equal(
    daily.reduce((n, d) => n + Object.values(d.phases).reduce((a, b) => a + b, 0), 0),
    10_000,
  );
  assert.deepEqual(daily[0], { day: '2024-04-01', kind: 'backup', schedule: 'daily', phases: { PartiallyFailed: 1, Completed: 23 }, failed: ['daily-00000'] });
  // Never started: counted on the day it was created. Manual backups and restores are rows of their own.
  assert.deepEqual(days.find((d) => d.kind === 'backup' && !d.schedule), { day: '2024-04-02', kind: 'backup', phases: { FailedValidation: 1 }, failed: ['m1'] });
  assert.deepEqual(days.find((d) => d.kind === 'restore'), { day: '2024-04-01', kind: 'restore', phases: { Failed: 1 }, failed: ['r1'] });
});

test('runsByDay keeps the first MAX_FAILED_NAMES failures of a day', () => {
  const failing = hourlyBackups(24).map((b) => ({ ...b, status: { ...b.status, phase: 'Failed' } }));
  const [day] = runsByDay(failing, []);
  assert.equal(day!.phases.Failed, 24);
  assert.equal(day!.failed.length, MAX_FAILED_NAMES);
  assert.equal(day!.failed[0], 'daily-00000');
});

test('a small history keeps one mark per run; past the marks that fit side by side in a row, one cell per day', () => {
  const few = manyBackupsReport(MAX_MARKS_PER_ROW);
  assert.equal(timelineMode(few.details), 'runs');
  const runs = buildTimeline(few.details)!;
  assert.equal(runs.mode, 'runs');
  assert.equal(runs.rows[0]!.marks.length, MAX_MARKS_PER_ROW);
  assert.equal(runs.rows[0]!.days.length, 0);
  assert.equal(timelineMode(manyBackupsReport(MAX_MARKS_PER_ROW + 1).details), 'days');
});

test('runs mode draws failures last, so that no later mark covers one', () => {
  const marks = buildTimeline(manyBackupsReport(60).details)!.rows[0]!.marks;
  assert.equal(marks.at(-1)!.phase, 'PartiallyFailed');
  assert.equal(marks.filter((m) => m.phase === 'PartiallyFailed').length, 1);
});

test('10,000 backups: one cell per day with the counts in words, none per backup', () => {
  const report = manyBackupsReport(10_000);
  const timeline = buildTimeline(report.details)!;
  assert.equal(timeline.mode, 'days');
  const row = timeline.rows[0]!;
  assert.equal(row.name, 'schedule daily');
  assert.equal(row.marks.length, 0);
  assert.equal(row.days.length, 417);
  // Backups 96–119 run on 2024-04-05; backup 97 partially failed.
  assert.equal(row.days[4]!.label, '2024-04-05, schedule daily: 24 backups (1 partially failed, 23 completed)');
  assert.equal(row.days[1]!.label, '2024-04-02, schedule daily: 24 backups (24 completed)');
  assert.equal(row.days.at(-1)!.label, '2025-05-22, schedule daily: 16 backups (1 partially failed, 15 completed)');
  // Cells never overlap, and the history covers every day, not just the newest rows of the tables.
  assert.ok(row.days.every((d, i) => i === 0 || d.x >= row.days[i - 1]!.x + d.width));
  assert.match(timeline.summary!, /^10,000 backups from 2024-04-01 to 2025-05-22, one cell per day/);
  assert.deepEqual(timeline.legend.map((l) => l.phase), ['PartiallyFailed', 'Completed']);
});

test('a day cell is stacked by outcome, a lone failure still visible', () => {
  assert.deepEqual(segmentHeights([0, 1, 0, 23]), [0, 3, 0, 15]);
  assert.deepEqual(segmentHeights([1, 1, 1, 21]), [3, 3, 3, 9]);
  assert.deepEqual(segmentHeights([0, 0, 0, 5]), [0, 0, 0, 18]);
  assert.deepEqual(segmentHeights([2, 0, 0, 2]), [9, 0, 0, 9]);
  const cell = buildTimeline(manyBackupsReport(10_000).details)!.rows[0]!.days[4]!;
  assert.deepEqual(
    cell.segments.map((s) => [s.colour, s.height]),
    [
      ['#f08c00', 3],
      ['#2f9e44', 15],
    ],
  );
});

test('HTML: the 10,000-backup timeline is day cells linked to the finding about their failures, and stays small', () => {
  const report = manyBackupsReport(10_000);
  const target = report.findings.findIndex((f) => f.ruleId === 'backup-partially-failed');
  assert.ok(target >= 0);
  report.findings[target]!.resources.push({ kind: 'Backup', namespace: 'velero', name: 'daily-00097' });
  const timeline = timelineOf(formatHtml(report));
  assert.equal((timeline.match(/<circle/g) ?? []).length, 0, 'no mark per backup');
  assert.equal((timeline.match(/<g><title>/g) ?? []).length, 417);
  assert.ok(
    timeline.includes(`<a href="#finding-${target + 1}"><g><title>2024-04-05, schedule daily: 24 backups (1 partially failed, 23 completed): click for the finding</title>`),
  );
  // A day whose failure no finding names is no link.
  assert.ok(timeline.includes('<g><title>2024-04-01, schedule daily: 24 backups (1 partially failed, 23 completed)</title>'));
  assert.ok(timeline.length < 100_000, `timeline is ${timeline.length} characters`);
});

test('HTML: a small report keeps one mark per run with its name in the tooltip', () => {
  const timeline = timelineOf(formatHtml(manyBackupsReport(30)));
  assert.equal((timeline.match(/<\/circle>/g) ?? []).length, 30);
  assert.equal((timeline.match(/<g><title>/g) ?? []).length, 0);
  assert.ok(timeline.includes('<title>daily-00029: Completed (2024-04-02T05:00:00Z)</title>'));
});

test('a report written before day counts existed, cut to its newest rows, is drawn by day from those rows', () => {
  const report = manyBackupsReport(10_000);
  delete report.details.runsByDay;
  const timeline = buildTimeline(report.details)!;
  assert.equal(timeline.mode, 'days');
  const cells = timeline.rows[0]!.days;
  assert.equal(cells.reduce((n, d) => n + Number(/: (\d+) backups? /.exec(d.label)![1]), 0), 500);
});
