// The diff formatters, by name: pure functions from a DiffReport to a string (the same names as the report formats).
import type { DiffReport } from '../types.js';
import { formatDiffHtml } from './html.js';
import { formatDiffJunit } from './junit.js';
import { formatDiffMarkdown } from './markdown.js';
import type { DiffFormatName } from './names.js';
import { formatDiffText, type DiffTextOptions } from './text.js';

export { DIFF_EXTENSIONS, DIFF_FORMAT_NAMES, isDiffFormatName, type DiffFormatName } from './names.js';

export type DiffFormatOptions = DiffTextOptions;

const DIFF_FORMATTERS: Record<DiffFormatName, (report: DiffReport, options: DiffFormatOptions) => string> = {
  text: (report: DiffReport, options: DiffFormatOptions) => formatDiffText(report, options),
  markdown: (report: DiffReport) => formatDiffMarkdown(report),
  html: (report: DiffReport) => formatDiffHtml(report),
  json: (report: DiffReport) => `${JSON.stringify(report, null, 2)}\n`,
  junit: (report: DiffReport) => formatDiffJunit(report),
};

export function formatDiff(report: DiffReport, format: DiffFormatName, options: DiffFormatOptions = {}): string {
  return DIFF_FORMATTERS[format](report, options);
}
