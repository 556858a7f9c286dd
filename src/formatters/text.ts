// The text formatter: a compact terminal report, coloured on a TTY and plain otherwise.
import pc from 'picocolors';
import type { Severity } from '../constants.js';
import type { Finding, Report } from '../report/types.js';
import { explainedSymptoms, symptomLabel } from '../report/symptoms.js';
import { coveredLine, troubleshootContextView } from './troubleshoot-context.js';
import type { FormatOptions } from './index.js';
import { markdownToTerminal, wrapWords } from './markdown-render.js';
import { plural, timesOf } from '../util/words.js';

const MAX_EVIDENCE_LINES = 3;
const MAX_LINE = 200;
const MAX_FIX_LINES = 10;
/** Columns when the caller gives none (not a terminal). */
const DEFAULT_WIDTH = 100;
const INDENT = '         ';
const MAX_OBJECT_ROWS = 8;
/** Lines one evidence line may take once wrapped. */
const MAX_EVIDENCE_WRAP = 3;

type Paint = (text: string) => string;

/** Colours for a terminal (none when `color` is false): severities as every terminal output shows them. */
export function painter(color: boolean) {
  const c = pc.createColors(color);
  const bySeverity: Record<Severity, Paint> = {
    critical: (t) => c.bold(c.magenta(t)),
    error: (t) => c.bold(c.red(t)),
    warning: (t) => c.yellow(t),
    info: (t) => c.cyan(t),
  };
  return { c, bySeverity };
}

function cut(text: string, max = MAX_LINE): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A path with whole folders left out of its middle so that it fits and keeps its file name and line: `cluster-resources/pods/…/velero.log:5`. */
function cutPath(path: string, max: number): string {
  if (path.length <= max) return path;
  const parts = path.split('/');
  const tail = `…/${parts.pop()!}`;
  if (tail.length > max) return `…${path.slice(path.length - max + 1)}`;
  let head = '';
  for (const part of parts) {
    if (head.length + part.length + 1 + tail.length > max) break;
    head += `${part}/`;
  }
  return head + tail;
}

function resourceName(r: Finding['resources'][number]): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function versionsLine(report: Report): string {
  const v = report.versions;
  const parts = [
    `velero ${v.velero ?? 'unknown'}`,
    `kubernetes ${v.kubernetes ?? 'unknown'}`,
    v.nodeAgent ? `node-agent ${v.nodeAgent}` : '',
    v.kots ? `kots ${v.kots}` : '',
    ...v.plugins.map((p) => `${p.name} ${p.version ?? 'unknown'}`),
  ];
  return parts.filter(Boolean).join(', ');
}

/** `text` wrapped to `width` columns at spaces, every line after the first indented by `indent`. */
function hanging(first: string, text: string, indent: string, width: number): string[] {
  const lines = wrapWords(text, Math.max(20, width - indent.length));
  return lines.map((l, i) => (i === 0 ? first : indent) + l);
}

export function formatText(report: Report, options: FormatOptions = {}): string {
  const { c, bySeverity } = painter(Boolean(options.color));
  // One column spare: a line exactly as wide as the terminal wraps on some terminals.
  const width = Math.max(40, (options.width ?? DEFAULT_WIDTH + 1) - 1);
  const out: string[] = [];
  const title = hanging('', `snapshot-doctor ${report.tool.version} — ${report.input.path} (${report.input.format})`, '  ', width);
  out.push(c.bold(title[0]!), ...title.slice(1).map(c.dim));
  if (report.collectedAt) out.push(c.dim(`collected ${report.collectedAt}`));
  out.push(...hanging('', versionsLine(report), '  ', width).map(c.dim));
  const inv = report.inventory;
  const counts = [
    plural(inv.backups, 'backup'),
    plural(inv.restores, 'restore'),
    plural(inv.schedules, 'schedule'),
    plural(inv.backupStorageLocations, 'storage location'),
    plural(inv.podVolumeBackups, 'pod volume backup'),
    plural(inv.logFiles, 'log file'),
  ];
  out.push(...hanging('', counts.join(', '), '  ', width).map(c.dim));
  out.push('');

  if (report.findings.length === 0) out.push(c.green('No findings: nothing wrong was found in this input.'));
  else out.push(...fixFirstLines(report, c, bySeverity, width));

  for (const finding of report.findings) {
    out.push('');
    const tag = bySeverity[finding.severity](finding.severity.toUpperCase().padEnd(8));
    const heading = wrapWords(`${finding.title} [${finding.ruleId}]${finding.count > 1 ? ` (seen ${timesOf(finding.count)})` : ''}`, width - INDENT.length);
    out.push(`${tag} ${c.bold(heading[0]!)}`, ...heading.slice(1).map((l) => INDENT + l));
    out.push(...hanging(INDENT, finding.message, INDENT, width));
    if (finding.severityReason) out.push(...hanging(INDENT, `severity ${finding.severityReason}`, `${INDENT}  `, width).map(c.dim));
    if (finding.objects?.length) out.push(...objectRows(finding.objects, c, width));
    else if (finding.resources.length > 0) {
      const names = finding.resources.slice(0, 5).map(resourceName).join(', ');
      const more = finding.resources.length > 5 ? ` and ${finding.resources.length - 5} more` : '';
      out.push(...hanging(INDENT, `on: ${names}${more}`, `${INDENT}    `, width).map(c.dim));
    }
    if (finding.explainedBy?.length) out.push(...hanging(INDENT, `explained by: ${finding.explainedBy.join(', ')}`, `${INDENT}    `, width).map(c.dim));
    for (const e of finding.evidence.slice(0, MAX_EVIDENCE_LINES)) {
      const where = e.line ? `${e.file}:${e.line}` : e.file;
      out.push(c.dim(`${INDENT}│ ${cutPath(where, width - INDENT.length - 2)}`));
      const lines = wrapWords(cut(e.text), Math.max(20, width - INDENT.length - 6));
      out.push(...lines.slice(0, MAX_EVIDENCE_WRAP).map((l) => `${INDENT}│   ${l}`));
      if (lines.length > MAX_EVIDENCE_WRAP) out[out.length - 1] += ' …';
    }
    const fix = markdownToTerminal(finding.remediation, width - INDENT.length - 5);
    if (fix.length > 0) {
      out.push(`${INDENT}${c.green('fix:')} ${fix[0]}`.trimEnd());
      for (const line of fix.slice(1, MAX_FIX_LINES)) out.push(`${INDENT}     ${line}`.trimEnd());
      if (fix.length > MAX_FIX_LINES) out.push(c.dim(`${INDENT}     … the whole fix: snapshot-doctor rules show ${finding.ruleId}`));
    }
  }

  const context = troubleshootContextView(report);
  if (context) {
    out.push('');
    out.push(`${context.heading}${context.shown.length > 0 ? ':' : '.'}`);
    for (const r of context.shown) out.push(`  ${(r.severity === 'error' ? c.red : c.yellow)(r.severity.padEnd(5))} ${cut(`${r.title}: ${r.message}`)}`);
    if (context.covered > 0) out.push(c.dim(`  ${coveredLine(context)}`));
  }

  if (report.problems.length > 0) {
    out.push('');
    out.push(c.yellow(`${plural(report.problems.length, 'part')} of the input could not be read:`));
    for (const p of report.problems.slice(0, 20)) out.push(...hanging('  ', `${p.source}: ${cut(p.message)}`, '    ', width).map(c.dim));
    if (report.problems.length > 20) out.push(c.dim(`  … and ${report.problems.length - 20} more (see --format json)`));
  }
  if (report.findings.length > 0) {
    out.push('');
    out.push(...summaryLines(report, c, bySeverity, width));
  }
  return `${out.join('\n')}\n`;
}

type Colors = ReturnType<typeof painter>['c'];

/** The root causes, most urgent first: each with its first action and the symptoms it explains. */
function fixFirstLines(report: Report, c: Colors, bySeverity: Record<Severity, Paint>, width: number): string[] {
  if (report.fixFirst.length === 0) return [];
  const out = [c.bold('Fix first')];
  report.fixFirst.forEach((item, i) => {
    const heading = wrapWords(`${item.title} [${item.ruleId}]`, width - 6 - item.severity.length);
    out.push(`  ${i + 1}. ${bySeverity[item.severity](item.severity.toUpperCase())} ${c.bold(heading[0]!)}`, ...heading.slice(1).map((l) => `     ${l}`));
    out.push(...hanging('     ', plainMarkdown(item.action), '     ', width));
    const symptoms = explainedSymptoms(report, item).map(symptomLabel);
    if (symptoms.length > 0) out.push(...hanging('     ', `explains: ${symptoms.join('; ')}`, '       ', width).map(c.dim));
  });
  return out;
}

/** Counts and root causes in a few lines: the last thing on screen when the command ends. */
function summaryLines(report: Report, c: Colors, bySeverity: Record<Severity, Paint>, width: number): string[] {
  const s = report.summary;
  const total = report.findings.length;
  const out = [
    `${c.bold('Summary:')} ${plural(total, 'finding')}: ` +
      [
        bySeverity.critical(`${s.critical} critical`),
        bySeverity.error(`${s.error} error`),
        bySeverity.warning(`${s.warning} warning`),
        bySeverity.info(`${s.info} info`),
      ].join(', '),
  ];
  if (report.fixFirst.length > 0) {
    out.push(...hanging('', `Fix first: ${report.fixFirst.map((item) => `${item.title} [${item.ruleId}]`).join('; ')}`, '  ', width));
  }
  return out;
}

/** Inline Markdown as a terminal shows it: code spans without their backticks. */
function plainMarkdown(text: string): string {
  return text.replace(/`([^`]+)`/g, '$1');
}

function objectRows(objects: NonNullable<Finding['objects']>, c: Colors, width: number): string[] {
  const out: string[] = [];
  for (const o of objects.slice(0, MAX_OBJECT_ROWS)) {
    const errors = o.errors === undefined ? '' : `, ${plural(o.errors, 'error')}`;
    out.push(c.dim(`${INDENT}• ${cut(`${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} (${o.time ?? 'time unknown'}${errors})`, width - INDENT.length - 2)}`));
  }
  if (objects.length > MAX_OBJECT_ROWS) out.push(c.dim(`${INDENT}… ${objects.length - MAX_OBJECT_ROWS} more (--format json lists every one)`));
  return out;
}
