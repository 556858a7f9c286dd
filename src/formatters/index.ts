// The formatter registry: pure functions from a Report to a string, looked up by name.
import type { Report } from '../report/types.js';
import { visibleStrings } from '../report/visible.js';
import type { FormatName } from './names.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';
import { formatTroubleshoot } from './troubleshoot.js';

export interface FormatOptions {
  /** ANSI colours (text format only); the CLI sets it for a TTY. */
  color?: boolean;
  /** Columns to wrap the text format to (the terminal's width); 100 when not given. */
  width?: number;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

const FORMATTERS = {
  text: formatText,
  markdown: formatMarkdown,
  html: formatHtml,
  json: formatJson,
  junit: formatJunit,
  troubleshoot: formatTroubleshoot,
} satisfies Record<FormatName, Formatter>;

export { FORMAT_NAMES, FORMAT_EXTENSIONS, isFormatName, type FormatName } from './names.js';

/**
 * The one way to render a Report. Whatever built it, its strings reach the formatter with control
 * characters and bidi overrides made visible (a no-op copy-free walk for a report built here).
 */
export function formatReport(report: Report, format: FormatName, options: FormatOptions = {}): string {
  return FORMATTERS[format](visibleStrings(report), options);
}
