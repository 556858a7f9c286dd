// The batch summary formatters, by name: pure functions from a BatchResult to a string (`json` is JSON Lines).
import type { BatchResult } from '../types.js';
import { formatBatchHtml } from './html.js';
import { formatBatchJsonLines } from './jsonl.js';
import { formatBatchMarkdown } from './markdown.js';
import type { BatchFormatName } from './names.js';
import { formatBatchText, type BatchTextOptions } from './text.js';

export interface BatchFormatOptions extends BatchTextOptions {
  /** Per entry, a relative link to its own reports (HTML): `--output-dir` writes them beside the summary. */
  reportHrefs?: (string | undefined)[];
}

export { BATCH_EXTENSIONS, BATCH_FORMAT_NAMES, isBatchFormatName, type BatchFormatName } from './names.js';
export { jsonLine } from './jsonl.js';

const BATCH_FORMATTERS: Record<BatchFormatName, (result: BatchResult, options: BatchFormatOptions) => string> = {
  text: (result, options) => formatBatchText(result, options),
  markdown: (result) => formatBatchMarkdown(result),
  html: (result, options) => formatBatchHtml(result, options.reportHrefs),
  json: (result) => formatBatchJsonLines(result),
};

export function formatBatch(result: BatchResult, format: BatchFormatName, options: BatchFormatOptions = {}): string {
  return BATCH_FORMATTERS[format](result, options);
}
