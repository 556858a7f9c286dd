// A Report of many scheduled backups (hourly, every 97th partially failed), built through the Report's own day counting.
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../src/model/kube.js';
import { runsByDay } from '../../src/report/runs-by-day.js';
import type { BackupRow, Report } from '../../src/report/types.js';

/** `count` hourly backups of schedule `daily` from 2024-04-01T00:00Z; backup i partially failed when i % 97 === 0. */
export function hourlyBackups(count: number): KubeObject[] {
  const base = Date.parse('2024-04-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const started = new Date(base + i * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: `daily-${String(i).padStart(5, '0')}`, namespace: 'velero', labels: { 'velero.io/schedule-name': 'daily' } },
      status: { phase: i % 97 === 0 ? 'PartiallyFailed' : 'Completed', startTimestamp: started },
    } as KubeObject;
  });
}

/** The broken fixture with its backups replaced by `count` hourly ones (the newest 500 as rows, as buildReport keeps them). */
export function manyBackupsReport(count: number): Report {
  const report = JSON.parse(readFileSync('fixtures/reports/broken.json', 'utf8')) as Report;
  const backups = hourlyBackups(count);
  const rows: BackupRow[] = backups
    .slice(-500)
    .reverse()
    .map((b) => ({ name: b.metadata.name, namespace: 'velero', phase: String(b.status!.phase), schedule: 'daily', started: String(b.status!.startTimestamp), errors: 0, warnings: 0 }));
  report.details = { ...report.details, backups: rows, restores: [], truncated: count > 500, runsByDay: runsByDay(backups, []) };
  return report;
}
