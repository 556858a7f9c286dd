// The diff formatters, by name: pure functions from a DiffReport to a string (the same names as the report formats).
import type { DiffReport } from '../types.js';
import { formatDiffHtml } from './html.js';
import { formatDiffJunit } from './junit.js';
import { formatDiffMarkdown } from './markdown.js';
import { formatDiffText, type DiffTextOptions } from './text.js';

export type DiffFormatOptions = DiffTextOptions;

const DIFF_FORMATTERS = {
  text: (report: DiffReport, options: DiffFormatOptions) => formatDiffText(report, options),
  markdown: (report: DiffReport) => formatDiffMarkdown(report),
  html: (report: DiffReport) => formatDiffHtml(report),
  json: (report: DiffReport) => `${JSON.stringify(report, null, 2)}\n`,
  junit: (report: DiffReport) => formatDiffJunit(report),
} satisfies Record<string, (report: DiffReport, options: DiffFormatOptions) => string>;

export type DiffFormatName = keyof typeof DIFF_FORMATTERS;
export const DIFF_FORMAT_NAMES = Object.keys(DIFF_FORMATTERS) as DiffFormatName[];

export function isDiffFormatName(name: string): name is DiffFormatName {
  return Object.hasOwn(DIFF_FORMATTERS, name);
}

export function formatDiff(report: DiffReport, format: DiffFormatName, options: DiffFormatOptions = {}): string {
  return DIFF_FORMATTERS[format](report, options);
}
