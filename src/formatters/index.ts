// The formatter registry: pure functions from a Report to a string, looked up by name.
import type { Report } from '../report/types.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

export interface FormatOptions {
  /** ANSI colours (text format only); the CLI sets it for a TTY. */
  color?: boolean;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

const FORMATTERS = {
  text: formatText,
  markdown: formatMarkdown,
  html: formatHtml,
  json: formatJson,
  junit: formatJunit,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];

/** File extension used with --output-dir. */
export const FORMAT_EXTENSIONS: Record<FormatName, string> = {
  text: 'txt',
  markdown: 'md',
  html: 'html',
  json: 'json',
  junit: 'xml',
};

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATTERS, name);
}

export function formatReport(report: Report, format: FormatName, options: FormatOptions = {}): string {
  return FORMATTERS[format](report, options);
}
