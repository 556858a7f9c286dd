// The JUnit XML formatter: one test case per rule evaluated, failed where it fired, one suite per category.
import type { Finding, Report } from '../report/types.js';
import type { FormatOptions } from './index.js';

/** XML-escaped text with the control characters XML 1.0 forbids removed. */
export function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- tab, LF and CR are the control characters XML 1.0 allows
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function failureBody(findings: Finding[]): string {
  return findings
    .map((f) =>
      [
        f.message,
        ...(f.severityReason ? [`severity ${f.severityReason}`] : []),
        ...f.resources.map((r) => `resource: ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`),
        ...f.evidence.map((e) => `evidence: ${e.line ? `${e.file}:${e.line}` : e.file}: ${e.text}`),
        `fix: ${f.remediation.trim()}`,
      ].join('\n'),
    )
    .join('\n\n');
}

export function formatJunit(report: Report, _options: FormatOptions = {}): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const categories = [...new Set(report.rules.map((r) => r.category))].sort();
  const suites = categories.map((category) => {
    const rules = report.rules.filter((r) => r.category === category);
    const failures = rules.filter((r) => byRule.has(r.id)).length;
    const cases = rules.map((rule) => {
      const findings = byRule.get(rule.id);
      const head = `    <testcase classname="snapshot-doctor.${xml(category)}" name="${xml(`${rule.id}: ${rule.title}`)}" time="0"`;
      if (!findings) return `${head}/>`;
      const worst = findings[0]!;
      const message = findings.length === 1 ? worst.message : `${findings.length} findings: ${worst.message}`;
      return `${head}>\n      <failure type="${xml(worst.severity)}" message="${xml(message)}">${xml(failureBody(findings))}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="snapshot-doctor.${xml(category)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = report.rules.filter((r) => byRule.has(r.id)).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="snapshot-doctor" tests="${report.rules.length}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
