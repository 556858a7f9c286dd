// `rules list` as text: the catalog as a table, one line per rule, or fitted to a terminal's width.
import type { RuleMeta } from '../engine/types.js';
import { wrapWords } from '../formatters/markdown-render.js';
import { painter } from '../formatters/text.js';
import { byCodeUnits } from '../util/compare.js';

export interface RuleListOptions {
  /** A terminal's columns: titles wrap within them. Without it (a pipe, a file) every rule is one line, for grep. */
  width?: number;
  /** Severities in their colours. */
  color?: boolean;
}

/** Below this many columns for the titles, the category column gives way to a heading per category. */
const MIN_TITLE_COLUMNS = 40;

/**
 * id, severity, category and title of every rule, by category then id. On a terminal, titles wrap
 * under themselves; one too narrow for the four columns gets a heading per category instead.
 */
export function formatRuleList(rules: readonly RuleMeta[], options: RuleListOptions = {}): string {
  const { c, bySeverity } = painter(Boolean(options.color));
  const sorted = [...rules].sort((a, b) => byCodeUnits(a.category, b.category) || byCodeUnits(a.id, b.id));
  const idWidth = Math.max('id'.length, ...sorted.map((m) => m.id.length));
  const sevWidth = Math.max('severity'.length, ...sorted.map((m) => m.severity.length));
  const catWidth = Math.max('category'.length, ...sorted.map((m) => m.category.length));
  const severity = (m: RuleMeta) => bySeverity[m.severity](m.severity) + ' '.repeat(sevWidth - m.severity.length);
  const footer = ['', `${sorted.length} rules`];
  // One column spare: a line exactly as wide as the terminal wraps on some terminals.
  const width = options.width === undefined ? undefined : options.width - 1;
  const table = idWidth + sevWidth + catWidth + 6;
  if (width === undefined || width - table >= MIN_TITLE_COLUMNS) {
    const row = (cells: string[]) => {
      const lead = `${cells[0]!.padEnd(idWidth)}  ${cells[1]!.padEnd(sevWidth)}  ${cells[2]!.padEnd(catWidth)}  `;
      if (width === undefined) return [lead + cells[3]!];
      return wrapWords(cells[3]!, width - table).map((l, i) => (i === 0 ? lead : ' '.repeat(table)) + l);
    };
    const header = row(['id', 'severity', 'category', 'title']).map(c.bold);
    const rows = sorted.flatMap((m) => row([m.id, m.severity, m.category, m.title]).map((l, i) => (i === 0 ? l.replace(m.severity.padEnd(sevWidth), severity(m)) : l)));
    return [...header, ...rows, ...footer].join('\n') + '\n';
  }
  const lead = 2 + idWidth + 2 + sevWidth + 2;
  const out: string[] = [];
  let category: string | undefined;
  for (const m of sorted) {
    if (m.category !== category) {
      if (category !== undefined) out.push('');
      out.push(c.bold(m.category));
      category = m.category;
    }
    const first = `  ${m.id.padEnd(idWidth)}  ${severity(m)}  `;
    out.push(...wrapWords(m.title, Math.max(20, width - lead)).map((l, i) => (i === 0 ? first : ' '.repeat(lead)) + l));
  }
  return [...out, ...footer].join('\n') + '\n';
}
