// The HTML formatter: one self-contained, offline page (inline CSS, script and SVG); every value is escaped.
import { CATEGORIES, SEVERITIES } from '../constants.js';
import type { Report } from '../report/types.js';
import { explainedSymptoms, symptomLabel } from '../report/symptoms.js';
import { buildTimeline, type FindingLink } from './html-timeline.js';
import { timesOf } from '../util/words.js';
import type { FormatOptions } from './index.js';
import { markdownInlineToHtml, markdownToHtml } from './markdown-render.js';
import { formatDuration, loadTemplate } from './template.js';
import { coveredLine, troubleshootContextView } from './troubleshoot-context.js';

/** Only http(s) documentation links become anchors; anything else is shown as text. */
function safeUrl(url: string): string | null {
  return /^https?:\/\/[^\s"'<>`]+$/.test(url) ? url : null;
}

/** Table rows of a grouped finding shown before "N more" (the JSON report keeps every one). */
const MAX_OBJECT_ROWS = 50;

export function formatHtml(report: Report, _options: FormatOptions = {}): string {
  const categories = CATEGORIES.filter((c) => report.findings.some((f) => f.category === c));
  const view = {
    report,
    title: `snapshot-doctor: ${report.input.path}`,
    severities: SEVERITIES.map((s) => ({ name: s, count: report.summary[s] })),
    categories,
    total: report.findings.length,
    fixFirst: report.fixFirst.map((item) => ({
      ...item,
      actionHtml: markdownInlineToHtml(item.action),
      anchor: `finding-${item.finding + 1}`,
      symptoms: explainedSymptoms(report, item).map((s) => ({ title: symptomLabel(s), anchor: `finding-${s.finding + 1}`, severity: s.severity })),
    })),
    findings: report.findings.map((f, index) => ({
      ...f,
      anchor: `finding-${index + 1}`,
      rootCause: !f.explainedBy?.length,
      remediationHtml: markdownToHtml(f.remediation),
      objectRows: (f.objects ?? []).slice(0, MAX_OBJECT_ROWS),
      moreObjects: Math.max(0, (f.objects?.length ?? 0) - MAX_OBJECT_ROWS),
      objectKind: f.objects?.[0]?.kind ?? '',
      countText: f.count > 1 ? `seen ${timesOf(f.count)}` : '',
      resourcesText: f.resources.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`),
      evidence: f.evidence.map((e) => ({ where: e.line ? `${e.file}:${e.line}` : e.file, text: e.text })),
      moreEvidence: f.count > f.evidence.length ? f.count - f.evidence.length : 0,
      explained: (f.explainedBy ?? []).map((id) => {
        const target = report.findings.findIndex((g) => g.ruleId === id);
        return { id, anchor: target >= 0 ? `finding-${target + 1}` : null };
      }),
      docLinks: f.docs.map((d) => ({ text: d, href: safeUrl(d) })),
    })),
    backups: report.details.backups.map((b) => ({
      ...b,
      duration: b.durationSeconds === undefined ? '' : formatDuration(b.durationSeconds),
    })),
    timeline: buildTimeline(report.details, { link: findingLink(report) }),
    plugins: report.versions.plugins,
    troubleshoot: troubleshootHtml(report),
  };
  return loadTemplate('report.html.hbs', { escape: true })(view);
}

/** The anchor of the first (most severe) finding that names a backup or restore among its resources or objects. */
function findingLink(report: Report): FindingLink {
  const anchors = new Map<string, string>();
  report.findings.forEach((f, index) => {
    for (const o of [...f.resources, ...(f.objects ?? [])]) {
      const key = `${o.kind}/${o.name}`;
      if (!anchors.has(key)) anchors.set(key, `#finding-${index + 1}`);
    }
  });
  return (kind, name) => anchors.get(`${kind}/${name}`);
}

function troubleshootHtml(report: Report): { heading: string; shown: { severity: string; title: string; message: string }[]; covered: string } | undefined {
  const view = troubleshootContextView(report);
  if (!view) return undefined;
  return { heading: view.heading, shown: view.shown.map((r) => ({ severity: r.severity, title: r.title, message: r.message })), covered: coveredLine(view) };
}
