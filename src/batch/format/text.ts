// The batch summary as terminal text: one row per input, then the rules that fired across inputs, fitted to the terminal's width.
import pc from 'picocolors';
import { SEVERITIES } from '../../constants.js';
import { summarizeBatch, type BatchRow } from '../summary.js';
import type { BatchResult } from '../types.js';
import { plural } from '../../util/words.js';

export interface BatchTextOptions {
  color?: boolean;
  /** Columns (the terminal's width); 100 when not given. */
  width?: number;
}

/** Control characters from paths and titles shown as visible escapes, never sent to the terminal. */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Cut to `max` columns; paths keep their end (the bundle's name), other text its start. */
function fit(text: string, max: number, keepEnd = false): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  return keepEnd ? `…${text.slice(text.length - max + 1)}` : `${text.slice(0, max - 1)}…`;
}

export function formatBatchText(result: BatchResult, options: BatchTextOptions = {}): string {
  const c = pc.createColors(Boolean(options.color));
  const width = Math.max(60, Math.min(options.width ?? 100, 200));
  const summary = summarizeBatch(result);
  const t = summary.totals;
  const out: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  out.push(
    c.bold(`${plural(t.inputs, 'input')} analyzed`) +
      c.dim(` (${summary.workers > 0 ? `${plural(summary.workers, 'worker')}` : 'one after another'}, ${seconds} s)`) +
      `: ${t.withFindings} with findings` +
      (t.unreadable > 0 ? `, ${c.red(`${t.unreadable} unreadable`)}` : ''),
  );
  out.push('');
  const columns = [
    { head: 'collected', width: 10, cell: (r: BatchRow) => r.collectedAt?.slice(0, 10) ?? '—' },
    { head: 'velero', width: 7, cell: (r: BatchRow) => r.velero ?? '—' },
    { head: 'kots', width: 8, cell: (r: BatchRow) => r.kots ?? '—' },
    { head: 'k8s', width: 7, cell: (r: BatchRow) => r.kubernetes ?? '—' },
  ];
  const counts = SEVERITIES.map((s) => ({ head: s[0]!.toUpperCase(), width: 3, cell: (r: BatchRow) => String(r.counts[s]) }));
  const cellsWidth = columns.reduce((sum, col) => sum + col.width + 1, 0) + counts.reduce((sum, col) => sum + col.width + 1, 0);
  const longest = Math.max(5, ...summary.rows.map((r) => r.input.length));
  // One line per input where the whole path and a root cause fit; else the path on a line of its own.
  const oneLine = longest + 1 + cellsWidth + 24 <= width;
  const lead = oneLine ? longest : 2;
  const causeWidth = Math.max(10, width - lead - 1 - cellsWidth);
  const cells = (row: BatchRow) =>
    [...columns.map((col) => fit(safe(col.cell(row)), col.width).padEnd(col.width)), ...counts.map((col) => col.cell(row).padStart(col.width))].join(' ');
  const headCells = [...columns.map((col) => col.head.padEnd(col.width)), ...counts.map((col) => col.head.padStart(col.width))].join(' ');
  out.push(c.dim(oneLine ? `${'input'.padEnd(lead)} ${headCells} top root cause` : `input\n${' '.repeat(lead)} ${headCells} top root cause`));
  for (const row of summary.rows) {
    const input = fit(safe(row.input), oneLine ? lead : width, true);
    if (row.error) {
      if (!oneLine) out.push(input);
      out.push(`${oneLine ? input.padEnd(lead) : ' '.repeat(lead)} ${c.red(fit(`error: ${safe(row.error)}`, width - lead - 1))}`);
      continue;
    }
    const cause = row.topCause ? fit(safe(row.topCause.ruleId), causeWidth) : c.green('no findings');
    if (!oneLine) out.push(input);
    out.push(`${oneLine ? input.padEnd(lead) : ' '.repeat(lead)} ${cells(row)} ${cause}`);
  }
  out.push('');
  if (summary.rules.length === 0) {
    out.push(c.green(`No rule fired in any of the ${plural(t.read, 'readable input')}.`));
  } else {
    out.push(c.bold(`Rules that fired, by how many of the ${plural(t.read, 'readable input')} they fired in`));
    out.push(c.dim(`${'inputs'.padStart(6)} ${'top'.padStart(4)}  ${'severity'.padEnd(8)}  rule`));
    for (const rule of summary.rules) {
      const line = `${String(rule.inputs).padStart(6)} ${String(rule.topIn).padStart(4)}  ${rule.severity.padEnd(8)}  ${rule.ruleId}: ${safe(rule.title)}`;
      out.push(fit(line, width));
    }
    out.push(c.dim('(top: in how many inputs it was the top root cause)'));
  }
  out.push('');
  out.push(`${SEVERITIES.map((s) => `${t.counts[s]} ${s}`).join(', ')} findings in all`);
  return `${out.join('\n')}\n`;
}
