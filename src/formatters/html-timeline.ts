// The HTML report's timeline: backups and restores over time by phase, one row per schedule, as inline SVG data (one mark per run, or one cell per day when there are many).
import type { ReportDetails, RunsOfDay } from '../report/types.js';
import { byCodeUnits } from '../util/compare.js';

export interface TimelineMark {
  x: number;
  phase: string;
  colour: string;
  label: string;
}

/** One day of one row: a cell stacked by outcome, its counts in words as the tooltip. */
export interface TimelineDay {
  x: number;
  width: number;
  label: string;
  /** The finding about the day's first failure that has one (`#finding-3`). */
  href?: string;
  segments: { y: number; height: number; colour: string }[];
}

export interface TimelineRow {
  name: string;
  y: number;
  marks: TimelineMark[];
  days: TimelineDay[];
}

export interface Timeline {
  /** `runs`: one mark per backup or restore; `days`: one cell per UTC day, for histories too long to mark one by one. */
  mode: 'runs' | 'days';
  width: number;
  height: number;
  /**
   * The row names take x < labelWidth; the track (cells, marks, axis) the rest, trackWidth wide, with
   * room for a mark at its very start: drawn apart, so that the track scrolls under fixed names.
   */
  labelWidth: number;
  trackWidth: number;
  rows: TimelineRow[];
  axis: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
  legend: { phase: string; colour: string }[];
  /** Days mode: what the cells stand for, in one sentence. */
  summary?: string;
  /** x = origin's pixel + (time − origin) × pxPerMs: where a time falls (the diff's cut line). */
  scale: { origin: number; originX: number; pxPerMs: number };
}

/** Finds the report anchor of the finding about a backup or restore, if one names it. */
export type FindingLink = (kind: 'Backup' | 'Restore', name: string) => string | undefined;

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
const TRACK = WIDTH - LEFT - 20;
const ROW = 26;
const MARK_DIAMETER = 10;
/**
 * Past this many runs in one row, marks cannot all sit side by side on the track (710 px / 10 px), so
 * they overlap and a failure can hide among the completed runs: the timeline switches to day cells.
 */
export const MAX_MARKS_PER_ROW = Math.floor(TRACK / MARK_DIAMETER);
/** Narrowest day cell: a long history widens the SVG (it scrolls sideways) rather than drawing slivers. */
const MIN_DAY_PITCH = 6;
const CELL_HEIGHT = 18;
/** A non-zero count never gets a thinner band than this, so one failure among 24 runs stays visible. */
const MIN_SEGMENT = 3;
const DAY_MS = 86_400_000;

/** The outcomes a day cell is stacked by, top to bottom. */
const OUTCOMES = [
  { key: 'failed', legend: 'Failed', words: 'failed', colour: PHASE_COLOURS.Failed!, phases: ['Failed', 'FailedValidation'] },
  { key: 'partial', legend: 'PartiallyFailed', words: 'partially failed', colour: PHASE_COLOURS.PartiallyFailed!, phases: ['PartiallyFailed'] },
  { key: 'other', legend: 'other (in progress, new, deleting…)', words: 'other', colour: OTHER, phases: [] as string[] },
  { key: 'completed', legend: 'Completed', words: 'completed', colour: PHASE_COLOURS.Completed!, phases: ['Completed'] },
];

function colourOf(phase: string): string {
  return PHASE_COLOURS[phase] ?? OTHER;
}

function rowName(kind: 'backup' | 'restore', schedule: string | undefined): string {
  return kind === 'restore' ? 'restores' : schedule ? `schedule ${schedule}` : 'manual backups';
}

function byRowName(a: string, b: string): number {
  return a === 'restores' ? 1 : b === 'restores' ? -1 : byCodeUnits(a, b);
}

type Details = Pick<ReportDetails, 'backups' | 'restores' | 'truncated' | 'runsByDay'>;

/** The runs the detail tables hold, with a start time. */
function runsOf(details: Details) {
  return [
    ...details.backups.map((b) => ({ kind: 'backup' as const, row: rowName('backup', b.schedule), schedule: b.schedule, name: b.name, phase: b.phase, at: b.started })),
    ...details.restores.map((r) => ({ kind: 'restore' as const, row: 'restores', schedule: undefined, name: r.name, phase: r.phase, at: r.started })),
  ]
    .map((e) => ({ ...e, time: e.at ? Date.parse(e.at) : NaN }))
    .filter((e) => Number.isFinite(e.time));
}

/**
 * Day cells when the tables were cut to the newest rows (only the day counts cover the whole history) or
 * when some row holds more runs than fit side by side; one mark per run otherwise.
 */
export function timelineMode(details: Details): 'runs' | 'days' {
  if (details.truncated) return 'days';
  const perRow = new Map<string, number>();
  for (const run of runsOf(details)) perRow.set(run.row, (perRow.get(run.row) ?? 0) + 1);
  return [...perRow.values()].some((n) => n > MAX_MARKS_PER_ROW) ? 'days' : 'runs';
}

/**
 * Lays out the timeline; null when there is nothing with a start time to draw. `range` (epoch ms) fixes
 * the axis and `mode` the drawing, so that two timelines drawn one above the other line up (the diff
 * report). `link` turns a day with failures into a link to their finding.
 */
export function buildTimeline(details: Details, options: { range?: { min: number; max: number }; mode?: 'runs' | 'days'; link?: FindingLink } = {}): Timeline | null {
  const mode = options.mode ?? timelineMode(details);
  return mode === 'days' ? dayTimeline(details, options.range, options.link) : runTimeline(details, options.range);
}

function runTimeline(details: Details, range: { min: number; max: number } | undefined): Timeline | null {
  const events = runsOf(details);
  if (events.length === 0) return null;
  const min = range?.min ?? Math.min(...events.map((e) => e.time));
  const max = range?.max ?? Math.max(...events.map((e) => e.time));
  const span = Math.max(max - min, 60_000);
  const pxPerMs = TRACK / span;
  const scale = (t: number) => LEFT + (t - min) * pxPerMs;
  const failure = (phase: string) => Number(OUTCOMES[0]!.phases.includes(phase) || phase === 'PartiallyFailed');
  const rowNames = [...new Set(events.map((e) => e.row))].sort(byRowName);
  const rows = rowNames.map((name, i) => ({
    name,
    y: 20 + i * ROW,
    // Failures are drawn last, so that a mark drawn over them never hides one.
    marks: events
      .filter((e) => e.row === name)
      .sort((a, b) => failure(a.phase) - failure(b.phase))
      .map((e) => ({ x: Math.round(scale(e.time) * 10) / 10, phase: e.phase, colour: colourOf(e.phase), label: `${e.name}: ${e.phase} (${e.at})` })),
    days: [],
  }));
  // The end labels are anchored inward so the track's edges never clip them.
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    x: Math.round(LEFT + f * TRACK),
    anchor: f === 0 ? ('start' as const) : f === 1 ? ('end' as const) : ('middle' as const),
    label: new Date(min + f * span).toISOString().slice(0, 16).replace('T', ' '),
  }));
  const phases = [...new Set(events.map((e) => e.phase))].sort();
  return {
    mode: 'runs',
    width: WIDTH,
    labelWidth: LEFT - MARK_DIAMETER,
    trackWidth: WIDTH - LEFT + MARK_DIAMETER,
    height: 40 + rows.length * ROW,
    rows,
    axis,
    legend: phases.map((phase) => ({ phase, colour: colourOf(phase) })),
    scale: { origin: min, originX: LEFT, pxPerMs },
  };
}

/** The day counts: the Report's, else (a report written before they existed) those of the rows it holds. */
function daysOf(details: Details): RunsOfDay[] {
  if (details.runsByDay) return details.runsByDay;
  const days = new Map<string, RunsOfDay>();
  for (const run of runsOf(details).sort((a, b) => a.time - b.time)) {
    const day = new Date(run.time).toISOString().slice(0, 10);
    const key = `${run.row}\u0000${day}`;
    const entry = days.get(key) ?? { day, kind: run.kind, ...(run.schedule ? { schedule: run.schedule } : {}), phases: {}, failed: [] };
    days.set(key, entry);
    entry.phases[run.phase] = (entry.phases[run.phase] ?? 0) + 1;
    if (OUTCOMES[0]!.phases.includes(run.phase) || run.phase === 'PartiallyFailed') entry.failed.push(run.name);
  }
  return [...days.values()];
}

function outcomeCounts(phases: Record<string, number>): number[] {
  const counts = OUTCOMES.map(() => 0);
  for (const [phase, n] of Object.entries(phases)) {
    const i = OUTCOMES.findIndex((o) => o.phases.includes(phase));
    counts[i >= 0 ? i : OUTCOMES.findIndex((o) => o.key === 'other')]! += n;
  }
  return counts;
}

/** Band heights for the counts, CELL_HEIGHT in all, each non-zero count at least MIN_SEGMENT. */
export function segmentHeights(counts: number[], height = CELL_HEIGHT): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const heights = counts.map((n) => (n === 0 ? 0 : Math.max(MIN_SEGMENT, Math.round((n / total) * height))));
  // Rounding and the minimum leave the sum off by a few pixels: take them from (or give them to) the tallest band.
  for (let sum = heights.reduce((a, b) => a + b, 0); sum !== height; sum = heights.reduce((a, b) => a + b, 0)) {
    const tallest = heights.indexOf(Math.max(...heights));
    if (sum < height) heights[tallest]! += 1;
    else if (heights[tallest]! > MIN_SEGMENT) heights[tallest]! -= 1;
    else break;
  }
  return heights;
}

/** `2024-05-03, schedule daily: 24 backups (23 completed, 1 partially failed)`. */
function dayLabel(entry: RunsOfDay, row: string, counts: number[]): string {
  const total = counts.reduce((a, b) => a + b, 0);
  const noun = entry.kind === 'restore' ? (total === 1 ? 'restore' : 'restores') : total === 1 ? 'backup' : 'backups';
  const others = Object.keys(entry.phases)
    .filter((p) => !OUTCOMES.some((o) => o.phases.includes(p)))
    .sort(byCodeUnits);
  const parts = OUTCOMES.map((o, i) => ({ o, n: counts[i]! }))
    .filter(({ n }) => n > 0)
    .map(({ o, n }) => (o.key === 'other' ? `${n} other: ${others.map((p) => `${entry.phases[p]} ${p}`).join(', ')}` : `${n} ${o.words}`));
  return `${entry.day}, ${row}: ${total} ${noun} (${parts.join(', ')})`;
}

function dayTimeline(details: Details, range: { min: number; max: number } | undefined, link: FindingLink | undefined): Timeline | null {
  const entries = daysOf(details);
  if (entries.length === 0) return null;
  const dayStart = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
  const times = entries.map((e) => Date.parse(`${e.day}T00:00:00Z`));
  const first = dayStart(range?.min ?? Math.min(...times));
  const last = dayStart(range?.max ?? Math.max(...times));
  const dayCount = Math.round((last - first) / DAY_MS) + 1;
  const pitch = Math.max(TRACK / dayCount, MIN_DAY_PITCH);
  const trackWidth = dayCount * pitch;
  const width = Math.ceil(LEFT + trackWidth + 20);
  const round = (n: number) => Math.round(n * 10) / 10;
  const rowNames = [...new Set(entries.map((e) => rowName(e.kind, e.schedule)))].sort(byRowName);
  const runs = { backup: 0, restore: 0 };
  const rows: TimelineRow[] = rowNames.map((name, i) => {
    const y = 20 + i * ROW;
    const days = entries
      .filter((e) => rowName(e.kind, e.schedule) === name)
      .map((entry): TimelineDay => {
        const counts = outcomeCounts(entry.phases);
        runs[entry.kind] += counts.reduce((a, b) => a + b, 0);
        const heights = segmentHeights(counts);
        let top = y - CELL_HEIGHT / 2;
        const segments = heights.flatMap((height, s) => {
          if (height === 0) return [];
          const segment = { y: top, height, colour: OUTCOMES[s]!.colour };
          top += height;
          return [segment];
        });
        const kind = entry.kind === 'restore' ? 'Restore' : 'Backup';
        const href = link ? entry.failed.map((name) => link(kind, name)).find((h) => h !== undefined) : undefined;
        const index = Math.round((Date.parse(`${entry.day}T00:00:00Z`) - first) / DAY_MS);
        const day: TimelineDay = {
          x: round(LEFT + index * pitch),
          // A one-pixel gap between neighbouring days, once the cells are wide enough to spare it.
          width: round(pitch >= 4 ? pitch - 1 : pitch),
          label: dayLabel(entry, name, counts) + (href ? ': click for the finding' : ''),
          segments,
        };
        if (href) day.href = href;
        return day;
      });
    return { name, y, marks: [], days };
  });
  // A date every ~100 px, at the middle of its day; the end ones are anchored inward so the edges never clip them.
  const step = Math.ceil(100 / pitch);
  const axis = [];
  for (let i = 0; i < dayCount; i += step) {
    const x = Math.round(LEFT + (i + 0.5) * pitch);
    axis.push({ x, anchor: i === 0 ? ('start' as const) : x + 40 > width ? ('end' as const) : ('middle' as const), label: new Date(first + i * DAY_MS).toISOString().slice(0, 10) });
  }
  const present = OUTCOMES.filter((_, i) => entries.some((e) => outcomeCounts(e.phases)[i]! > 0));
  const from = new Date(first).toISOString().slice(0, 10);
  const to = new Date(last).toISOString().slice(0, 10);
  const counted = [
    runs.backup > 0 ? `${runs.backup.toLocaleString('en-US')} ${runs.backup === 1 ? 'backup' : 'backups'}` : '',
    runs.restore > 0 ? `${runs.restore.toLocaleString('en-US')} ${runs.restore === 1 ? 'restore' : 'restores'}` : '',
  ].filter(Boolean);
  return {
    mode: 'days',
    width,
    labelWidth: LEFT - MARK_DIAMETER,
    trackWidth: width - LEFT + MARK_DIAMETER,
    height: 40 + rows.length * ROW,
    rows,
    axis,
    legend: present.map((o) => ({ phase: o.legend, colour: o.colour })),
    summary: `${counted.join(' and ')} from ${from} to ${to}, one cell per day (UTC), stacked by outcome; hover a day for its counts${link ? ', click a day with failures for their finding' : ''}.`,
    scale: { origin: first, originX: LEFT, pxPerMs: pitch / DAY_MS },
  };
}
