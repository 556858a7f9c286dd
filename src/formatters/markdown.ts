// The Markdown formatter for support tickets: bounded in size, and nothing from the bundle escapes its place.
import { SEVERITIES } from '../constants.js';
import type { Finding, Report } from '../report/types.js';
import { explainedSymptoms, symptomLabel } from '../report/symptoms.js';
import type { FormatOptions } from './index.js';
import { clip, codeBlock, inline, inlineWithCode, link } from './markdown-escape.js';
import { markdownToSafeMarkdown } from './markdown-render.js';
import { coveredLine, troubleshootContextView } from './troubleshoot-context.js';
import { formatDuration, loadTemplate } from './template.js';
import { plural, timesOf } from '../util/words.js';

/** Findings after this many are listed by title only, so that a report fits in a ticket. */
const MAX_DETAILED_FINDINGS = 15;
const MAX_EVIDENCE = 3;
const MAX_EVIDENCE_CHARS = 400;
const MAX_REMEDIATION_CHARS = 1500;
const MAX_BACKUP_ROWS = 15;
const MAX_PROBLEMS = 15;
const MAX_OBJECT_ROWS = 10;

const LABELS: Record<string, string> = { critical: 'Critical', error: 'Error', warning: 'Warning', info: 'Info' };

/** A rule id for a code span: no backticks or line breaks can end it early. */
function codeSpanText(text: string): string {
  return text.replace(/[`\r\n]/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, `-1`, `-2` for repeats. */
function headingSlugs(titles: string[]): string[] {
  const used = new Map<string, number>();
  return titles.map((t) => {
    const base = t.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  });
}

/** The root causes as a numbered list linking to their findings, each with its first action and its symptoms. */
function fixFirstList(report: Report, anchors: string[]): string {
  return report.fixFirst
    .map((item, i) => {
      const target = anchors[item.finding];
      const title = target ? `[${inline(item.title)}](#${target})` : inline(item.title);
      const lines = [`${i + 1}. **${title}** (${item.severity}): ${inlineWithCode(item.action)}`];
      const symptoms = explainedSymptoms(report, item).map(symptomLabel);
      if (symptoms.length > 0) lines.push(`   - Explains: ${symptoms.map(inline).join('; ')}`);
      return lines.join('\n');
    })
    .join('\n');
}

function objectsTable(objects: NonNullable<Finding['objects']>): string {
  const rows = objects.slice(0, MAX_OBJECT_ROWS).map((o) =>
    `| ${inline(`${o.namespace ? `${o.namespace}/` : ''}${o.name}`)} | ${inline(o.time ?? 'unknown')} | ${o.errors ?? ''} | ${inline(clip(o.message, 200))} |`,
  );
  const kind = inline(objects[0]!.kind);
  const more = objects.length > MAX_OBJECT_ROWS ? `\n\n${objects.length - MAX_OBJECT_ROWS} more (the JSON report lists every one).` : '';
  return [`| ${kind} | Time | Errors | Message |`, '| --- | --- | --- | --- |', ...rows].join('\n') + more;
}

function findingView(f: Finding) {
  const shown = f.evidence.slice(0, MAX_EVIDENCE);
  const hidden = f.count - shown.length;
  return {
    title: inline(f.title),
    severity: LABELS[f.severity],
    ruleId: codeSpanText(f.ruleId),
    category: inline(f.category),
    countText: f.count > 1 ? `seen ${timesOf(f.count)}` : '',
    message: inline(f.message),
    severityReason: f.severityReason ? inline(`Severity ${f.severityReason}.`) : '',
    objects: f.objects?.length ? objectsTable(f.objects) : '',
    resources: f.objects?.length ? '' : f.resources
      .slice(0, 10)
      .map((r) => inline(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`))
      .join(', ')
      .concat(f.resources.length > 10 ? ` and ${f.resources.length - 10} more` : ''),
    explainedBy: (f.explainedBy ?? []).map((id) => `\`${codeSpanText(id)}\``).join(', '),
    evidence: shown.map((e) => ({
      where: inline(e.line ? `${e.file}:${e.line}` : e.file),
      block: codeBlock(clip(e.text, MAX_EVIDENCE_CHARS)),
    })),
    evidenceSummary: hidden > 0 ? `${shown.length} of ${f.count}; ${hidden} more not shown` : `${shown.length}`,
    remediation: markdownToSafeMarkdown(clip(f.remediation.trim(), MAX_REMEDIATION_CHARS)),
    docs: f.docs.map(link).join(' · '),
  };
}

export function formatMarkdown(report: Report, _options: FormatOptions = {}): string {
  const total = report.findings.length;
  const detailed = report.findings.slice(0, MAX_DETAILED_FINDINGS);
  const rest = report.findings.slice(MAX_DETAILED_FINDINGS);
  // One list in the report's order (a root cause before the symptoms it explains), not one section per severity.
  const sections = detailed.length > 0 ? [{ heading: `Findings (${total})`, findings: detailed.map(findingView) }] : [];
  const v = report.versions;
  const unknown = 'unknown';
  const anchors = headingSlugs(['Fix first', ...sections.map((x) => x.heading), ...detailed.map((f) => f.title)]).slice(1 + sections.length);
  const view = {
    headline:
      total === 0
        ? '**No findings**: nothing wrong was found in this input.'
        : `**${plural(total, 'finding')}**: ${SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ')}.`,
    fixFirst: fixFirstList(report, anchors),
    input: inline(`${report.input.path} (${report.input.format})`),
    collected: inline(report.collectedAt ?? 'unknown'),
    versions: {
      velero: inline(v.velero ?? unknown),
      kubernetes: inline(v.kubernetes ?? unknown),
      nodeAgent: inline(v.nodeAgent ?? unknown),
      kots: inline(v.kots ?? unknown),
      plugins: v.plugins.length ? v.plugins.map((p) => inline(`${p.name} ${p.version ?? 'unknown'}`)).join(', ') : unknown,
    },
    summary: SEVERITIES.map((s) => ({ label: LABELS[s], count: report.summary[s] })),
    sections,
    omitted: rest.length
      ? `${plural(rest.length, 'more finding')} not shown in full: ${rest
          .map((f) => `${inline(f.title)} (${f.severity}, \`${codeSpanText(f.ruleId)}\`)`)
          .join('; ')}. The HTML and JSON reports have them all.`
      : '',
    inventory: report.inventory,
    backups: report.details.backups.slice(0, MAX_BACKUP_ROWS).map((b) => ({
      name: inline(b.name),
      phase: inline(b.phase),
      errors: b.errors,
      warnings: b.warnings,
      started: inline(b.started ?? ''),
      duration: b.durationSeconds === undefined ? '' : formatDuration(b.durationSeconds),
    })),
    backupsShown: `${Math.min(MAX_BACKUP_ROWS, report.details.backups.length)} of ${report.inventory.backups}`,
    troubleshoot: troubleshootMarkdown(report),
    problems: report.problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => `${inline(p.source)}: ${inline(clip(p.message, 300))}`)
      .concat(report.problems.length > MAX_PROBLEMS ? [`… and ${report.problems.length - MAX_PROBLEMS} more`] : []),
    tool: inline(report.tool.version),
    generatedAt: inline(report.generatedAt),
  };
  return loadTemplate('report.md.hbs', { escape: false })(view).replace(/\n{3,}/g, '\n\n');
}

/** troubleshoot's results that no finding covers, as list items, under a heading; undefined when there are none. */
function troubleshootMarkdown(report: Report): { heading: string; items: string[]; covered: string } | undefined {
  const view = troubleshootContextView(report);
  if (!view) return undefined;
  return {
    heading: inline(view.heading),
    items: view.shown.map((r) => `**${r.severity}** ${inline(r.title)}: ${inline(clip(r.message, 300))}`),
    covered: inline(coveredLine(view)),
  };
}
