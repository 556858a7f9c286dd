// The JSON report validates against src/report/report.schema.json: the hand-made fixtures and real analyses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { analyze } from '../../src/analyze.js';
import { SEVERITIES, severityRank } from '../../src/constants.js';
import { formatReport } from '../../src/formatters/index.js';
import type { Report } from '../../src/report/types.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync('src/report/report.schema.json', 'utf8')) as object);

function assertValid(report: unknown, name: string): void {
  const ok = validate(report);
  assert.ok(ok, `${name}: ${ajv.errorsText(validate.errors)}`);
}

test('the hand-made report fixtures validate (hostile.json breaks rule-id rules on purpose, to test escaping)', () => {
  for (const name of ['broken', 'healthy']) {
    assertValid(JSON.parse(readFileSync(`fixtures/reports/${name}.json`, 'utf8')), name);
  }
});

test('analyze output (through the JSON formatter) validates for the sample and every healthy fixture', async () => {
  const inputs = ['fixtures/sample-bundle', ...readdirSync('fixtures/healthy').map((d) => `fixtures/healthy/${d}`)];
  for (const input of inputs) {
    const report = JSON.parse(formatReport(await analyze(input), 'json')) as Report;
    assertValid(report, input);
    const ranks = report.findings.map((f) => severityRank(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `${input}: findings sorted most severe first`);
    assert.deepEqual(Object.keys(report.summary).sort(), [...SEVERITIES].sort());
  }
});

test('the schema rejects a report that breaks the contract', () => {
  const report = JSON.parse(readFileSync('fixtures/reports/broken.json', 'utf8')) as Record<string, unknown>;
  assert.equal(validate({ ...report, findings: [{ ruleId: 'x', severity: 'fatal' }] }), false);
  assert.equal(validate({ ...report, schemaVersion: 2 }), false);
});
