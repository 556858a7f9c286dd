// The diff as JUnit XML for CI: one test case per finding, failed when it is new or still there, passed when resolved.
import { xml } from '../../formatters/junit.js';
import type { DiffReport, FindingChange } from '../types.js';
import { objectList } from './common.js';

function testCase(change: FindingChange): string {
  const f = change.finding;
  const name = `${f.ruleId}: ${f.title}${f.resources.length ? ` (${objectList(f.resources, 2)})` : ''}`;
  const head = `    <testcase classname="snapshot-doctor.diff.${change.status}" name="${xml(name)}" time="0"`;
  if (change.status === 'resolved') return `${head}/>`;
  const body = [f.message, ...f.resources.map((r) => `resource: ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`), `fix: ${f.remediation.trim()}`].join('\n');
  return `${head}>\n      <failure type="${xml(f.severity)}" message="${xml(`${change.status}: ${f.message}`)}">${xml(body)}</failure>\n    </testcase>`;
}

export function formatDiffJunit(report: DiffReport): string {
  const failures = report.summary.new + report.summary.persisting;
  const tests = report.findings.length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="snapshot-doctor diff" tests="${tests}" failures="${failures}" errors="0">\n` +
    `  <testsuite name="snapshot-doctor.diff" tests="${tests}" failures="${failures}" errors="0" skipped="0">\n` +
    report.findings.map(testCase).join('\n') +
    (tests > 0 ? '\n' : '') +
    '  </testsuite>\n</testsuites>\n'
  );
}
