// Counts every backup and restore per UTC day, schedule and phase: the whole history for the HTML timeline, in a few bytes a day.
import type { KubeObject } from '../model/kube.js';
import { byCodeUnits } from '../util/compare.js';
import type { RunsOfDay } from './types.js';

/** Names kept per day for links to findings: a day with more failures than this links through the first ones. */
export const MAX_FAILED_NAMES = 20;

const FAILED_PHASES = new Set(['Failed', 'PartiallyFailed', 'FailedValidation']);

function startOf(o: KubeObject): string | undefined {
  const at = o.status?.startTimestamp ?? o.metadata.creationTimestamp;
  return typeof at === 'string' && Number.isFinite(Date.parse(at)) ? at : undefined;
}

/** One entry per (kind, schedule, day) that saw a run, ordered by kind, schedule, then day. */
export function runsByDay(backups: KubeObject[], restores: KubeObject[]): RunsOfDay[] {
  const runs = [
    ...backups.map((o) => ({ o, kind: 'backup' as const, schedule: o.metadata.labels?.['velero.io/schedule-name'] })),
    ...restores.map((o) => ({ o, kind: 'restore' as const, schedule: undefined })),
  ]
    .map((r) => ({ ...r, at: startOf(r.o) }))
    .filter((r): r is typeof r & { at: string } => r.at !== undefined)
    .map((r) => ({ ...r, time: Date.parse(r.at) }))
    .sort((a, b) => a.time - b.time || byCodeUnits(a.o.metadata.name, b.o.metadata.name));
  const days = new Map<string, RunsOfDay>();
  for (const run of runs) {
    const day = new Date(run.time).toISOString().slice(0, 10);
    const key = `${run.kind}\u0000${run.schedule ?? ''}\u0000${day}`;
    let entry = days.get(key);
    if (!entry) {
      entry = { day, kind: run.kind, phases: {}, failed: [] };
      if (run.schedule) entry.schedule = run.schedule;
      days.set(key, entry);
    }
    const phase = String(run.o.status?.phase ?? 'New');
    entry.phases[phase] = (entry.phases[phase] ?? 0) + 1;
    if (FAILED_PHASES.has(phase) && entry.failed.length < MAX_FAILED_NAMES) entry.failed.push(run.o.metadata.name);
  }
  return [...days.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([, entry]) => entry);
}
