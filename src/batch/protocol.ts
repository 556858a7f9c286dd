// Messages between analyzeEach() and its worker threads: one input to analyze, and its Report or error back.
import type { InputFormat } from '../model/bundle.js';
import type { Report } from '../report/types.js';
import type { BatchError } from './types.js';

/** What every analysis of a batch shares; plain data, so that it crosses to a worker. */
export interface BatchAnalyzeOptions {
  inputFormat?: InputFormat;
  rulesDirs?: string[];
  /** A --config file path (read by each worker). */
  config?: string;
  /** The clock ages are measured against (ISO); defaults to each input's collection time. */
  now?: string;
}

export interface BatchRequest {
  id: number;
  input: string;
  options: BatchAnalyzeOptions;
}

export type BatchAnswer = { id: number; report: Report } | { id: number; error: BatchError };
