// The results of a batch analysis: one entry per input (its Report, or why it could not be read).
import type { Report } from '../report/types.js';

export interface BatchError {
  /** One line, naming the input and the problem. */
  message: string;
  /** The exit code a single `analyze` of this input would have had (2 unreadable, 64 bad usage). */
  exitCode: number;
}

export interface BatchEntry {
  /** The input as it was analyzed (a folder given on the command line expands to its bundles). */
  input: string;
  report?: Report;
  error?: BatchError;
  /** Wall time of this input's analysis. */
  durationMs: number;
}

export interface BatchResult {
  /** In the order the inputs were given (and expanded). */
  entries: BatchEntry[];
  /** How many worker threads ran the analyses (0: all on the calling thread). */
  workers: number;
  durationMs: number;
}
