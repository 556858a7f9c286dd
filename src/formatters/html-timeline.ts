// The HTML report's timeline: backups and restores over time by phase, one row per schedule, as inline SVG data.
import type { ReportDetails } from '../report/types.js';
import { byCodeUnits } from '../util/compare.js';

export interface TimelineMark {
  x: number;
  phase: string;
  colour: string;
  label: string;
}

export interface TimelineRow {
  name: string;
  y: number;
  marks: TimelineMark[];
}

export interface Timeline {
  width: number;
  height: number;
  rows: TimelineRow[];
  axis: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
  legend: { phase: string; colour: string }[];
}

const PHASE_COLOURS: Record<string, string> = {
  Completed: '#2f9e44',
  PartiallyFailed: '#f08c00',
  Failed: '#e03131',
  FailedValidation: '#c2255c',
  InProgress: '#1c7ed6',
  New: '#868e96',
  Deleting: '#495057',
};
const OTHER = '#adb5bd';
const LEFT = 170;
const WIDTH = 900;
const ROW = 26;

function colourOf(phase: string): string {
  return PHASE_COLOURS[phase] ?? OTHER;
}

/**
 * Lays out the marks; null when there is nothing with a start time to draw. `range` (epoch ms) fixes
 * the axis, so that two timelines drawn one above the other line up (the diff report).
 */
export function buildTimeline(details: Pick<ReportDetails, 'backups' | 'restores'>, range?: { min: number; max: number }): Timeline | null {
  const events = [
    ...details.backups.map((b) => ({ row: b.schedule ? `schedule ${b.schedule}` : 'manual backups', name: b.name, phase: b.phase, at: b.started })),
    ...details.restores.map((r) => ({ row: 'restores', name: r.name, phase: r.phase, at: r.started })),
  ]
    .map((e) => ({ ...e, time: e.at ? Date.parse(e.at) : NaN }))
    .filter((e) => Number.isFinite(e.time));
  if (events.length === 0) return null;
  const min = range?.min ?? Math.min(...events.map((e) => e.time));
  const max = range?.max ?? Math.max(...events.map((e) => e.time));
  const span = Math.max(max - min, 60_000);
  const scale = (t: number) => LEFT + ((t - min) / span) * (WIDTH - LEFT - 20);
  const rowNames = [...new Set(events.map((e) => e.row))].sort((a, b) => (a === 'restores' ? 1 : b === 'restores' ? -1 : byCodeUnits(a, b)));
  const rows = rowNames.map((name, i) => ({
    name,
    y: 20 + i * ROW,
    marks: events
      .filter((e) => e.row === name)
      .map((e) => ({ x: Math.round(scale(e.time) * 10) / 10, phase: e.phase, colour: colourOf(e.phase), label: `${e.name}: ${e.phase} (${e.at})` })),
  }));
  // The end labels are anchored inward so the SVG's edge never clips them.
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    x: Math.round(LEFT + f * (WIDTH - LEFT - 20)),
    anchor: f === 1 ? ('end' as const) : ('middle' as const),
    label: new Date(min + f * span).toISOString().slice(0, 16).replace('T', ' '),
  }));
  const phases = [...new Set(events.map((e) => e.phase))].sort();
  return {
    width: WIDTH,
    height: 40 + rows.length * ROW,
    rows,
    axis,
    legend: phases.map((phase) => ({ phase, colour: colourOf(phase) })),
  };
}
