// Every format opens with Fix first, and a grouped finding shows its objects: cut in text and Markdown, all of them in JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analyze.js';
import { formatReport } from '../../src/formatters/index.js';
import type { AffectedObject, Report } from '../../src/report/types.js';
import { explainedSymptoms } from '../../src/report/symptoms.js';

const broken = JSON.parse(readFileSync('fixtures/reports/broken.json', 'utf8')) as Report;

test('text, Markdown and HTML name the root causes before any finding; text ends with the summary', () => {
  const firstCause = broken.findings[broken.fixFirst[0]!.finding]!;
  const text = formatReport(broken, 'text');
  assert.ok(text.indexOf('Fix first') < text.indexOf(`${broken.findings[0]!.title} [`), 'text: Fix first comes first');
  const summary = text.slice(text.lastIndexOf('Summary: '));
  assert.ok(text.lastIndexOf('Summary: ') > text.lastIndexOf('fix:'), 'the summary comes after every finding');
  assert.match(summary, /\nFix first: A backup storage location is Unavailable/);
  assert.match(text, /Summary: 7 findings/);
  const markdown = formatReport(broken, 'markdown');
  assert.ok(markdown.indexOf('### Fix first') < markdown.indexOf('#### '), 'markdown: Fix first before the findings');
  assert.match(markdown, /^1\. \*\*\[A backup storage location is Unavailable\]\(#a-backup-storage-location-is-unavailable\)\*\* \(critical\): /m);
  const html = formatReport(broken, 'html');
  assert.ok(html.indexOf('id="fix-first"') < html.indexOf('class="finding '), 'html: Fix first before the findings');
  assert.match(html, new RegExp(`href="#finding-${broken.fixFirst[0]!.finding + 1}"><strong>${firstCause.title}`));
});

test('a grouped finding: a table cut with "N more" in Markdown and text, every object in JSON', () => {
  const objects: AffectedObject[] = Array.from({ length: 40 }, (_, i) => ({
    kind: 'Backup',
    namespace: 'velero',
    name: `daily-${String(i).padStart(2, '0')}`,
    time: `2024-05-${String(40 - i).padStart(2, '0')}T00:00:00Z`,
    errors: 1,
    message: `Backup "daily-${i}" ended PartiallyFailed`,
  }));
  const finding = { ...broken.findings[4]!, objects, count: 40, message: '40 backups affected' };
  const report: Report = { ...broken, findings: [finding], fixFirst: [] };
  const markdown = formatReport(report, 'markdown');
  assert.match(markdown, /\| Backup \| Time \| Errors \| Message \|/);
  assert.match(markdown, /\| velero\/daily-00 \| 2024-05-40T00:00:00Z \| 1 \| Backup "daily-0" ended PartiallyFailed \|/);
  assert.match(markdown, /30 more \(the JSON report lists every one\)/);
  assert.doesNotMatch(markdown, /daily-39/);
  const text = formatReport(report, 'text');
  assert.match(text, /… 32 more/);
  assert.match(text, /seen 40 times/);
  assert.doesNotMatch(text, /×/);
  const json = JSON.parse(formatReport(report, 'json')) as Report;
  assert.equal(json.findings[0]!.objects?.length, 40);
});

test('the sample bundle: Fix first leads with the object-store denial, and its fix names the bucket and namespace', async () => {
  const report = await analyze('fixtures/sample-bundle');
  const first = report.fixFirst[0]!;
  assert.equal(first.ruleId, 'objstore-access-denied');
  assert.equal(first.finding, 0, 'the root cause is also the first finding');
  for (const j of first.explains) assert.ok(j > first.finding, 'its symptoms come after it');
  assert.ok(report.findings.some((f) => f.remediation.includes('acme-snapshots-prod')), 'a fix names the bucket of the location');
});

test('text wraps to the width it is given with hanging indents, never splitting a word', () => {
  const text = formatReport(broken, 'text', { width: 80 });
  const words = new Set(formatReport(broken, 'text', { width: 400 }).split(/\s+/));
  for (const line of text.split('\n')) {
    if (/^ {13,}\S/.test(line) && !/^ {9}(│|fix:)/.test(line)) continue; // commands stay whole, to be copied
    assert.ok(line.length <= 79, `within 80 columns: ${line}`);
    for (const word of line.trim().split(/\s+/)) if (word && !word.includes('…')) assert.ok(words.has(word), `"${word}" is a whole word`);
  }
});

test('Fix first names each symptom rule once, with how many of its findings it explains', async () => {
  const report = await analyze('fixtures/sample-bundle');
  const oom = report.fixFirst.find((item) => item.ruleId === 'node-agent-oomkilled')!;
  const partial = oom.explains.filter((j) => report.findings[j]!.ruleId === 'backup-partially-failed');
  assert.equal(partial.length, 2, 'the sample has two partially failed backups the OOM kill explains');
  const symptoms = explainedSymptoms(report, oom);
  assert.equal(symptoms.filter((s) => s.ruleId === 'backup-partially-failed').length, 1);
  assert.equal(symptoms.find((s) => s.ruleId === 'backup-partially-failed')!.findings, 2);
  const once = (text: string, what: string) => assert.equal(text.split(what).length - 1, 1, `"${what}" once in:\n${text}`);
  const label = 'A backup partially failed (2 findings)';
  const fixFirstOf = (text: string, end: string) => text.slice(text.indexOf('Fix first'), text.indexOf(end, text.indexOf('Fix first') + 10));
  once(fixFirstOf(formatReport(report, 'text', { width: 200 }), '\n\n').replace(/\s+/g, ' '), label);
  once(fixFirstOf(formatReport(report, 'markdown'), '\n\n|'), label);
  const html = formatReport(report, 'html');
  once(html.slice(html.indexOf('id="fix-first"'), html.indexOf('</section>', html.indexOf('id="fix-first"'))), label);
});

test('text: an evidence path too long for the width is cut in the middle, keeping its file name and line number', async () => {
  const report = await analyze('fixtures/sample-bundle');
  const headers = formatReport(report, 'text', { width: 80 }).split('\n').filter((l) => /^ {9}│ \S/.test(l));
  assert.ok(headers.some((l) => /│ cluster-resources\/pods\/logs\/velero\/…\/velero\.log:\d+$/.test(l)), headers.join('\n'));
  for (const line of headers) assert.ok([...line].length <= 79, line);
  assert.ok(headers.every((l) => !l.endsWith('…')), 'no header loses its end');
});

test('text: the "explained by" line wraps to the terminal like the others', async () => {
  const report = await analyze('fixtures/sample-bundle');
  const text = formatReport(report, 'text', { width: 80 });
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes('explained by: bsl-unavailable, objstore-access-denied,'));
  assert.ok(at >= 0, 'the streak names three causes');
  assert.match(lines[at + 1]!, /^ {13}node-agent-oomkilled$/, 'the rest on a hanging line');
  for (const line of lines.slice(at, at + 2)) assert.ok(line.length < 80, `within 80 columns: ${line}`);
});
