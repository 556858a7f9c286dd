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
  /** JSON / YAML nesting depth. */
  maxDepth: number;
}

export interface ReadProgress {
  phase: string;
  bytesRead: number;
  totalBytes: number;
}

export interface ReadOptions {
  /** Scans every log as it streams past; without it, logs are only counted. */
  scanner?: LogScanner;
  inputFormat?: InputFormat;
  budget?: Partial<ReadBudget>;
  onProgress?: (progress: ReadProgress) => void;
}
