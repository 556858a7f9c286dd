// The diagnosis of an input before and after redaction, compared: the same findings, inventory, versions and format.
import assert from 'node:assert/strict';
import { analyze } from '../../../src/analyze.js';
import type { Report } from '../../../src/report/types.js';

function comparable(report: Report) {
  return {
    findings: report.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, resources: f.resources, count: f.count })),
    inventory: report.inventory,
    // A single file's name is part of where a version was read: compare only the kind of source.
    versions: { ...report.versions, sources: Object.fromEntries(Object.entries(report.versions.sources).map(([k, s]) => [k, s?.from])) },
  };
}

/** Fails unless `analyze` reads the redacted copy as it reads the original. Returns the original's report. */
export async function sameDiagnosis(before: string, after: string, now = new Date('2024-05-01T03:00:00Z')): Promise<Report> {
  const [a, b] = [await analyze(before, { now }), await analyze(after, { now })];
  assert.deepEqual(comparable(b), comparable(a), `analyze gives the same findings before and after redaction (${before})`);
  assert.equal(b.input.format, a.input.format);
  return a;
}
