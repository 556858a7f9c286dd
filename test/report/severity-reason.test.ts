// A finding whose severity was adjusted says why, in words, in the Report (so JSON) and in every format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/analyze.js';
import { formatReport, type FormatName } from '../../src/formatters/index.js';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync('src/report/report.schema.json', 'utf8')) as object);
const schema = JSON.parse(readFileSync('src/report/report.schema.json', 'utf8'));

const OLD = 'rules/backup-failed/cases/old-failure-info';
const NOW = new Date('2024-06-01T12:00:00Z');

test('a failure older than 7 days is downgraded to info, and the finding says why in every format', async () => {
  const report = await analyze(OLD, { now: NOW });
  const finding = report.findings.find((f) => f.ruleId === 'backup-failed')!;
  assert.equal(finding.severity, 'info');
  assert.equal(
    finding.severityReason,
    'downgraded to info: it ended 21 days before the input was collected (2024-05-11T03:22:10Z), and failures older than 7 days are kept for context only',
  );
  const json = JSON.parse(formatReport(report, 'json'));
  assert.equal(json.findings[0].severityReason, finding.severityReason);
  assert.ok(validate(json), ajv.errorsText(validate.errors));
  assert.equal(JSON.stringify(schema).includes('"severityReason"'), true, 'the schema documents the field');
  const formats: FormatName[] = ['text', 'markdown', 'html', 'junit', 'troubleshoot'];
  for (const format of formats) {
    const out = formatReport(report, format, { width: 400 }).replace(/\s+/g, ' ');
    assert.ok(out.includes('downgraded to info: it ended 21 days before the input was collected'), `${format} shows the reason`);
  }
});

test('near miss: a recent failure keeps the rule\'s severity and has no reason', async () => {
  const report = await analyze(OLD, { now: new Date('2024-05-12T12:00:00Z') });
  const finding = report.findings.find((f) => f.ruleId === 'backup-failed')!;
  assert.equal(finding.severity, 'error');
  assert.equal(finding.severityReason, undefined);
  assert.doesNotMatch(formatReport(report, 'markdown'), /downgraded/);
});
