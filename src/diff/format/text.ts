// The diff as terminal text: what changed first (new, still there, resolved), then versions, locations and runs.
import pc from 'picocolors';
import type { Severity } from '../../constants.js';
import type { DiffReport, FindingChange } from '../types.js';
import { STATUSES, STATUS_BLURB, STATUS_HEADINGS, byStatus, headline, interval, objectName, severityChange, versionText } from './common.js';

export interface DiffTextOptions {
  color?: boolean;
  /** Columns to wrap messages at (the terminal's width); 100 when not given. */
  width?: number;
}

/** Terminal control characters from the input shown as visible escapes, never sent to the terminal. */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Words wrapped to `width` columns, every line indented by `indent`; at most `maxLines`, the last cut with `…`. */
function wrap(text: string, width: number, indent: string, maxLines = Infinity): string[] {
  const words = safe(text).replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1]!.slice(0, Math.max(0, width - indent.length - 2))} …`;
  }
  // Object names were kept whole with no-break spaces (see unbroken()).
  return lines.map((l) => `${indent}${l.replace(/\u00a0/g, ' ')}`);
}

/** A name wrap() never breaks. */
function unbroken(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

export function formatDiffText(report: DiffReport, options: DiffTextOptions = {}): string {
  const c = pc.createColors(Boolean(options.color));
  const width = Math.max(60, Math.min(options.width ?? 100, 140));
  const paint: Record<Severity, (t: string) => string> = {
    critical: (t) => c.bold(c.magenta(t)),
    error: (t) => c.bold(c.red(t)),
    warning: (t) => c.yellow(t),
    info: (t) => c.cyan(t),
  };
  const out: string[] = [];
  const side = (label: string, s: DiffReport['old']) =>
    `${label} ${safe(s.path)} (${s.format})${s.collectedAt ? `, collected ${s.collectedAt}` : ''}`;
  out.push(c.bold(`snapshot-doctor ${report.tool.version} diff`));
  const later = interval(report);
  out.push(...wrap(side('old:', report.old), width, '').map((l) => c.dim(l)));
  out.push(...wrap(`${side('new:', report.new)}${later ? ` (${later})` : ''}`, width, '').map((l) => c.dim(l)));
  if (report.differentCluster.length > 0) {
    out.push('');
    out.push(c.bold(c.yellow('These inputs look like two different clusters:')));
    for (const reason of report.differentCluster) out.push(...wrap(`- ${reason}`, width, '  '));
  }
  for (const note of report.notes) out.push(...wrap(`note: ${note}`, width, ''));
  out.push('');
  out.push(c.bold(headline(report)));

  const finding = (change: FindingChange) => {
    const f = change.finding;
    const was = severityChange(change);
    const tag = `[${f.ruleId}]${was ? ` (${was})` : ''}`;
    const title = safe(f.title);
    const fits = 11 + title.length + 1 + tag.length <= width;
    out.push(`  ${paint[f.severity](f.severity.toUpperCase().padEnd(8))} ${c.bold(title)}${fits ? ` ${c.dim(tag)}` : ''}`);
    if (!fits) out.push(c.dim(`           ${tag}`));
    if (f.resources.length > 0) {
      const names = f.resources.slice(0, 4).map((r) => unbroken(objectName(r)));
      const more = f.resources.length > 4 ? ` and ${f.resources.length - 4} more` : '';
      out.push(...wrap(`on: ${names.join(', ')}${more}`, width, '           ').map((l) => c.dim(l)));
    }
    const before = change.previous?.resources ?? [];
    if (before.length > 0 && before.map(objectName).join() !== f.resources.map(objectName).join()) {
      const names = before.slice(0, 4).map((r) => unbroken(objectName(r)));
      out.push(...wrap(`before on: ${names.join(', ')}${before.length > 4 ? ` and ${before.length - 4} more` : ''}`, width, '           ').map((l) => c.dim(l)));
    }
    if (change.status !== 'resolved') out.push(...wrap(f.message, width, '           ', 3));
  };
  for (const status of STATUSES) {
    const changes = byStatus(report, status);
    if (changes.length === 0) continue;
    out.push('');
    out.push(c.bold(`${STATUS_HEADINGS[status]} (${changes.length}, ${STATUS_BLURB[status]})`));
    for (const change of changes) finding(change);
  }

  if (report.versions.length > 0) {
    out.push('');
    out.push(c.bold('Versions'));
    const pad = Math.max(...report.versions.map((v) => v.component.length));
    for (const v of report.versions) out.push(`  ${safe(v.component).padEnd(pad)}  ${safe(versionText(v))}`);
  }
  if (report.locations.length > 0 || report.repositories.length > 0) {
    out.push('');
    out.push(c.bold('Locations and repositories'));
    for (const l of report.locations) {
      const name = `${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`;
      const what = l.change === 'changed' ? l.fields.filter((f) => f.field !== 'message').map((f) => `${f.field} ${f.old ?? '—'} → ${f.new ?? '—'}`).join(', ') : l.change;
      out.push(...wrap(`${name}: ${what}`, width, '  '));
    }
    for (const r of report.repositories) {
      const what = r.change === 'changed' ? r.fields.filter((f) => f.field !== 'message').map((f) => `${f.field} ${f.old ?? '—'} → ${f.new ?? '—'}`).join(', ') || 'message changed' : r.change;
      out.push(...wrap(`repository ${r.key}: ${what}`, width, '  '));
    }
  }
  out.push('');
  out.push(c.bold(`Backups and restores between the two collections (${report.runsBetween.length})`));
  if (report.runsBetween.length === 0) out.push(c.dim('  none'));
  for (const run of report.runsBetween) {
    const when = run.started ? run.started.slice(0, 16).replace('T', ' ') : 'not started';
    const from = run.kind === 'Restore' && run.backup ? ` (from ${run.backup})` : '';
    const head = `  ${when.padEnd(16)}  ${run.kind.padEnd(7)}  `;
    const [first = '', ...rest] = wrap(`${run.phase} ${run.name}${from}${run.failureReason ? `: ${run.failureReason}` : ''}`, width, ' '.repeat(head.length));
    out.push(`${head}${first.trimStart()}`, ...rest);
  }
  return `${out.join('\n')}\n`;
}
