// Options and progress reports shared by every reader.
import type { InputFormat, LogScanner } from '../model/bundle.js';

/** Limits that keep hostile input from exhausting the machine; exceeding one is a clear error or problem. */
export interface ReadBudget {
  /** Total bytes decompressed from all archives of one run (decompression-bomb guard). */
  maxDecompressedBytes: number;
  /** Entries read from one archive or folder. */
  maxEntries: number;
  /** Bytes of one structured (JSON / YAML / describe) file held in memory. */
  maxStructuredFileBytes: number;
  /** Characters of one log line kept; longer lines are cut (and scanned only up to that length). */
  maxLineLength: number;
  /** Bytes one gzipped log is read to once inflated (a log bomb); the rest is skipped with a problem saying where. */
  maxLogBytes: number;
  /** JSON / YAML nesting depth. */
  maxDepth: number;
}

/**
 * How far a run has got, for a progress display. `reading` the inputs (their logs are scanned as they
 * stream past), then, in analyze(), `rules` evaluated and the `report` built; `redacting` in redactCopy().
 */
export interface ReadProgress {
  phase: 'reading' | 'redacting' | 'rules' | 'report';
  /** The input being read (reading, redacting). */
  input?: string;
  /** Work done: bytes read once decompressed (reading, redacting), rules evaluated, report steps; never decreases within a phase. */
  done: number;
  /**
   * The phase's whole work, never below `done`: while reading, an estimate (a gzip file's trailer, the
   * sizes of a folder's files) refined as the input is read, and exactly `done` at the phase's last
   * report. Undefined when nothing tells.
   */
  total?: number;
  unit: 'bytes' | 'rules' | 'steps';
}

export interface ReadOptions {
  /** Scans every log as it streams past; without it, logs are only counted. */
  scanner?: LogScanner;
  inputFormat?: InputFormat;
  budget?: Partial<ReadBudget>;
  onProgress?: (progress: ReadProgress) => void;
}

/** Defaults generous enough for any real bundle, small enough to stop a decompression bomb early. */
export const DEFAULT_BUDGET: Readonly<ReadBudget> = Object.freeze({
  maxDecompressedBytes: 20 * 1024 ** 3,
  maxEntries: 200_000,
  maxStructuredFileBytes: 256 * 1024 ** 2,
  maxLineLength: 64 * 1024,
  maxLogBytes: 1024 ** 3,
  maxDepth: 512,
});

/** Fills the limits a caller left out (undefined values included) from DEFAULT_BUDGET. */
export function resolveBudget(budget: Partial<ReadBudget> = {}): ReadBudget {
  const resolved = { ...DEFAULT_BUDGET };
  for (const key of Object.keys(DEFAULT_BUDGET) as (keyof ReadBudget)[]) {
    const value = budget[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) resolved[key] = value;
  }
  return resolved;
}
