// The formatter registry: pure functions from a Report to a string, looked up by name.
import type { Report } from '../report/types.js';
import { formatJson } from './json.js';

export interface FormatOptions {
  /** ANSI colours (text format only); the CLI sets it for a TTY. */
  color?: boolean;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

const FORMATTERS = {
  json: formatJson,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];

/** File extension used with --output-dir. */
export const FORMAT_EXTENSIONS: Record<FormatName, string> = {
  json: 'json',
};

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATTERS, name);
}

export function formatReport(report: Report, format: FormatName, options: FormatOptions = {}): string {
  return FORMATTERS[format](report, options);
}
