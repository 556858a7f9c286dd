// The progress display on stderr: drawn whenever stderr is a terminal (wherever stdout goes), never with --quiet.
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { ReadProgress } from '../readers/index.js';

/** What the display shows: the library's progress, or the CLI's own last step. */
export type DisplayedProgress = ReadProgress | { phase: 'writing'; input?: string; done: number; total?: number; unit: 'steps' };

export interface ProgressDisplay {
  update: (progress: DisplayedProgress) => void;
  stop: () => void;
}

const FULL = '\u2588';
const EMPTY = '\u2591';
const MAX_BAR = 30;
const MIN_BAR = 10;
/** `1234.5 MB/s` */
const RATE_WIDTH = 11;

/** `120/265 MB`, `3.2/9.8 MB`, `12.0/31.5 GB`: both in the unit of the larger. */
function byteCounts(done: number, total: number | undefined): string {
  const top = Math.max(done, total ?? 0);
  const [scale, unit, digits] = top >= 1e10 ? [1e9, 'GB', 1] : [1e6, 'MB', top < 1e7 ? 1 : 0];
  const of = (n: number) => (n / scale).toFixed(digits);
  if (total === undefined) return `${of(done)} ${unit}`;
  // Done padded to the total's width, so that the bar does not move as the count grows.
  return `${of(done).padStart(of(total).length)}/${of(total)} ${unit}`;
}

function labelOf(p: DisplayedProgress): string {
  const name = p.input ? basename(p.input) : '';
  switch (p.phase) {
    case 'reading':
      return name ? `reading ${name}` : 'reading';
    case 'redacting':
      return name ? `redacting ${name}` : 'redacting';
    case 'rules':
      return 'evaluating rules';
    case 'report':
      return 'building the report';
    case 'writing':
      return name ? `writing ${name}` : 'writing';
  }
}

/** `a-very-long-na…e.tar.gz`: the name cut in its middle to `width` characters. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, Math.max(0, width));
  const tail = Math.floor((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}\u2026${text.slice(text.length - tail)}`;
}

/**
 * One line of the display, at most `columns − 1` characters: the phase, a bar when the total is known,
 * counts, and (reading) the rate. With no total, bytes and rate only: nothing claims a percentage.
 */
export function progressLine(p: DisplayedProgress, columns: number, elapsedMs: number): string {
  const width = Math.max(20, columns) - 1;
  const label = labelOf(p);
  const known = p.total !== undefined && p.total > 0;
  const fraction = known ? Math.min(1, p.done / p.total!) : 0;
  const counts = p.unit === 'bytes' ? byteCounts(p.done, p.total) : p.unit === 'rules' ? `${p.done}/${p.total ?? '?'}` : '';
  // The rate keeps its room from the start (blank for the first half second), so that the bar keeps its width.
  const rate = p.unit !== 'bytes' ? '' : elapsedMs >= 500 ? `${((p.done / elapsedMs) * 1000 / 1e6).toFixed(1)} MB/s`.padStart(RATE_WIDTH) : ' '.repeat(RATE_WIDTH);
  if (p.unit === 'steps') return fit(label, width);
  const tail = [known ? `${String(Math.floor(fraction * 100)).padStart(3)}%` : '', counts, rate].filter(Boolean);
  const room = width - tail.join(' ').length - 1;
  if (!known) return fit(`${fit(label, Math.max(8, room))} ${tail.map((t) => t.trim()).filter(Boolean).join(' ')}`, width);
  // The bar takes what the label leaves, within MIN_BAR..MAX_BAR; a narrow terminal drops the rate first.
  let parts = tail;
  let labelRoom = room - MIN_BAR - 3;
  if (labelRoom < 12 && rate) {
    parts = tail.filter((t) => t !== rate);
    labelRoom += rate.length + 1;
  }
  const shown = fit(label, Math.max(8, labelRoom));
  const barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, width - shown.length - parts.join(' ').length - 4));
  const filled = Math.floor(fraction * barWidth);
  return fit(`${shown} [${FULL.repeat(filled)}${EMPTY.repeat(barWidth - filled)}] ${parts.join(' ')}`, width).trimEnd();
}

/** A display on `stream` (stderr): a no-op unless it is a terminal, and with `quiet`. */
export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return { update: () => {}, stop: () => {} };
  // Loaded only here: without a terminal to draw on, the bar's package (and its string-width) is not needed.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  let current: DisplayedProgress | undefined;
  let phaseStart = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: (_options, params) => (current ? progressLine(current, params.maxWidth, Date.now() - phaseStart) : ''),
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      if (current?.phase !== progress.phase) phaseStart = Date.now();
      current = progress;
      if (!started) {
        bar.start(1, 0);
        started = true;
      } else bar.update(progress.done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
