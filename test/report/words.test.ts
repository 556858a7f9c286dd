// Words a person would write: counted nouns, "seen once", one timestamp format, and no "(s)", lone "?" or empty quotes in any rule template or fixture report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';
import { compileTemplate } from '../../src/engine/templates.js';
import { formatReport } from '../../src/formatters/index.js';
import type { Report } from '../../src/report/types.js';
import { formatTimestamp, plural, pluralOf, timesOf } from '../../src/util/words.js';
import { reportWordingFaults, wordingFaults } from '../support/words.js';
import { runRule } from '../support/rule-tester.js';

test('plural: 1 backup, 3 backups, thousands grouped, irregular forms, an unknown count in words', () => {
  assert.equal(plural(1, 'backup'), '1 backup');
  assert.equal(plural(3, 'backup'), '3 backups');
  assert.equal(plural(0, 'error'), '0 errors');
  assert.equal(plural(10_000, 'backup'), '10,000 backups');
  assert.equal(plural('2', 'warning'), '2 warnings');
  assert.equal(plural(2, 'repository'), '2 repositories');
  assert.equal(plural(2, 'storage class'), '2 storage classes');
  assert.equal(plural(2, 'entry', 'entries'), '2 entries');
  assert.equal(plural(undefined, 'error'), 'an unknown number of errors');
  assert.equal(pluralOf('pod volume backup'), 'pod volume backups');
});

test('times: once, 4 times; timestamps to the second, in UTC, one form', () => {
  assert.equal(timesOf(1), 'once');
  assert.equal(timesOf(4), '4 times');
  assert.equal(formatTimestamp(Date.parse('2024-04-29T02:00:00.000Z')), '2024-04-29T02:00:00Z');
  assert.equal(formatTimestamp('2024-04-29T04:00:00.734+02:00'), '2024-04-29T02:00:00Z');
  assert.equal(formatTimestamp(new Date('2024-04-29T02:00:00Z')), '2024-04-29T02:00:00Z');
  assert.equal(formatTimestamp('yesterday'), 'yesterday');
});

test('template helpers: {{plural}} and {{times}}', () => {
  const render = compileTemplate('{{plural count "line"}}, {{plural errors "error"}}, {{plural n "entry" "entries"}}; seen {{times count}}');
  assert.equal(render({ count: 1, errors: 5, n: 2 }), '1 line, 5 errors, 2 entries; seen once');
  assert.equal(render({ count: 3, n: 1 }), '3 lines, an unknown number of errors, 1 entry; seen 3 times');
});

test('the guard finds "(s)", a lone "?" and empty quotes, and passes plain sentences', () => {
  assert.equal(wordingFaults('1 error line(s) that no rule explains').length, 1);
  assert.equal(wordingFaults('on node ?, backup ?)').length, 2);
  assert.equal(wordingFaults('aws bucket "" in region us-east-1').length, 1);
  assert.deepEqual(wordingFaults('Why did it fail? 2 backups (3 lines) at https://x.io/a?b=1, BackupStorageLocation "default".'), []);
});

const RULES = 'rules';
/** A string literal or template argument that is only `?`: `"?"`, `'?'`. */
const QUESTION_MARK_LITERAL = /(["'`])\?\1/;

test('no rule template writes "(s)" or "?" for a value (rule.yaml, rule.ts, README.md)', () => {
  const faults: string[] = [];
  for (const id of readdirSync(RULES)) {
    for (const file of ['rule.yaml', 'rule.ts', 'README.md']) {
      const path = join(RULES, id, file);
      if (!existsSync(path)) continue;
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/[A-Za-z]\((?:s|es|ies)\)/.test(line)) faults.push(`${path}:${i + 1}: "(s)" plural: ${line.trim()}`);
          if (QUESTION_MARK_LITERAL.test(line)) faults.push(`${path}:${i + 1}: "?" for a value: ${line.trim()}`);
        });
    }
  }
  assert.deepEqual(faults, []);
});

/**
 * What the formatters write themselves (headings, counts, Fix first, tables), in every prose format:
 * the findings' own words are checked above, and their evidence is quoted input.
 */
function formatterWords(report: Report): string[] {
  const bare: Report = {
    ...report,
    findings: report.findings.map((f) => ({ ...f, message: 'message', remediation: 'fix', evidence: [], objects: f.objects?.map((o) => ({ ...o, message: 'message' })) })),
  };
  return (['text', 'markdown', 'html'] as const).map((format) => formatReport(bare, format, { color: false, width: 100 }));
}

const FIXTURES = ['fixtures/sample-bundle', ...readdirSync('fixtures/formats').filter((n) => n !== 'README.md').map((n) => join('fixtures/formats', n))];

for (const input of FIXTURES) {
  test(`${input}: the report's words and what text, Markdown and HTML add are words a person would write`, async () => {
    const report = await analyze(input);
    assert.deepEqual(reportWordingFaults(report), []);
    for (const f of report.findings) assert.doesNotMatch(f.message, /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/, `${f.ruleId}: one timestamp format, to the second`);
    for (const rendered of formatterWords(report)) assert.deepEqual(wordingFaults(rendered), []);
  });
}

test('no object named twice: a denial quoted from a log line does not repeat the location its message names', async () => {
  const line =
    'time="2024-05-01T09:14:03Z" level=error msg="Current BackupStorageLocations available/unavailable/unknown: 0/1/0, BackupStorageLocation \\"default\\" is unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, api error AccessDenied: Access Denied)" controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:178"';
  const [finding] = await runRule('objstore-access-denied', { logs: [{ path: 'velero.log', component: 'server', text: `${line}\n` }] }, new Date('2024-05-01T12:00:00Z'));
  assert.ok(finding, 'the rule fires');
  assert.equal(finding.message.split('"default"').length - 1, 1, finding.message);
  assert.match(finding.message, /: rpc error: code = Unknown/);
  assert.equal(compileTemplate('{{after m " is unavailable: "}}|{{after n " is unavailable: "}}')({ m: 'BSL "a" is unavailable: boom', n: 'boom' }), 'boom|boom');
});
