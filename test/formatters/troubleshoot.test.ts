// --format troubleshoot (analysis.json shape), analysis.json written into a bundle, and troubleshoot's own analysis.json read as context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { analyze } from '../../src/analyze.js';
import { writeBundleAnalysis } from '../../src/bundle/analysis.js';
import { formatReport } from '../../src/formatters/index.js';
import { troubleshootResults, type AnalyzerResult } from '../../src/formatters/troubleshoot.js';
import type { Report } from '../../src/report/types.js';
import { tempDir } from '../support/temp.js';

const SAMPLE = 'fixtures/sample-bundle/support-bundle-2024-05-01T12_30_00';
const KEYS = ['name', 'labels', 'insight', 'severity', 'analyzerSpec', 'error', 'involvedObject'];

function assertShape(result: AnalyzerResult): void {
  for (const key of Object.keys(result)) assert.ok(KEYS.includes(key), `unexpected key ${key}`);
  assert.match(result.name, /^[a-z0-9]+(\.[a-z0-9]+)*$/, 'troubleshoot-style name: lower case, dots');
  assert.ok(['error', 'warn', 'info', 'debug'].includes(result.severity));
  assert.equal(result.insight.severity, result.severity);
  assert.equal(result.insight.name, result.name);
  assert.equal(typeof result.insight.primary, 'string');
  assert.equal(typeof result.insight.detail, 'string');
  assert.equal(result.analyzerSpec, '');
  for (const value of [...Object.values(result.labels), ...Object.values(result.insight.labels)]) assert.equal(typeof value, 'string');
  assert.equal(result.error !== undefined, result.severity === 'error', 'error only on failed checks, as troubleshoot writes it');
}

test('--format troubleshoot writes every finding as an analyzer result of analysis.json\'s shape', async () => {
  const report = await analyze(SAMPLE);
  const text = formatReport(report, 'troubleshoot');
  assert.match(text, /^\[\n {4}\{/, 'an array, four-space indent, as troubleshoot writes analysis.json');
  const results = JSON.parse(text) as AnalyzerResult[];
  assert.equal(results.length, report.findings.length);
  results.forEach(assertShape);
  const bsl = results.find((r) => r.labels.snapshotDoctorRuleId === 'bsl-unavailable')!;
  assert.equal(bsl.severity, 'error', 'critical is troubleshoot\'s error');
  assert.equal(bsl.labels.snapshotDoctorSeverity, 'critical');
  assert.deepEqual(bsl.involvedObject, { kind: 'BackupStorageLocation', namespace: 'velero', name: 'default' });
  assert.equal(bsl.name, 'snapshot.doctor.bsl.unavailable');
  const finding = report.findings.find((f) => f.ruleId === 'bsl-unavailable')!;
  assert.equal(bsl.insight.primary, finding.title);
  assert.ok(bsl.insight.detail.startsWith(finding.message.trim()));
  assert.ok(bsl.insight.detail.includes('How to fix it:'));
  const warning = results.find((r) => r.labels.snapshotDoctorSeverity === 'warning')!;
  assert.equal(warning.severity, 'warn');
  assert.equal(warning.error, undefined);
});

test('a report without findings is one passing (debug) result, so the tools show the check ran', async () => {
  const report = await analyze('fixtures/formats/troubleshoot-v0.133-symlinks');
  const clean: Report = { ...report, findings: [] };
  const results = troubleshootResults(clean);
  assert.equal(results.length, 1);
  assertShape(results[0]!);
  assert.equal(results[0]!.severity, 'debug');
});

const TROUBLESHOOT_ANALYSIS = [
  // Says what the bsl-unavailable finding says (same object): not repeated.
  result('Backup Storage Location default', 'Backup Storage Location [default] is in phase Unavailable', 'warn'),
  result('Backup instance-x9w3c', 'Backup instance-x9w3c phase is Failed', 'error'),
  // A Velero check no finding covers: shown.
  result('Delete Backup Requests summary', 'Found 2 delete backup requests in progress', 'warn'),
  result('Velero Status', 'Velero setup is not entirely healthy', 'warn'),
  // Not about Velero, and passing results: left out.
  result('Kubernetes version', 'Your cluster is running a version of Kubernetes that is no longer supported', 'error'),
  result('Velero Backups', 'Found 3 backups', 'debug'),
];

function result(title: string, message: string, severity: 'error' | 'warn' | 'debug'): object {
  const name = title.toLowerCase().replace(/[^a-z0-9]+/g, '.');
  const entry: Record<string, unknown> = {
    name,
    labels: { desiredPosition: '1', iconKey: '', iconUri: '' },
    insight: { name, labels: { iconKey: '', iconUri: '' }, primary: title, detail: message, severity },
    severity,
    analyzerSpec: '',
  };
  if (severity === 'error') entry.error = message;
  return entry;
}

test('troubleshoot\'s own analysis.json: failing Velero results are context, never findings, and not said twice', async () => {
  const dir = tempDir('ts-analysis-');
  const bundle = join(dir, 'support-bundle-2024-05-01T12_30_00');
  await cp(SAMPLE, bundle, { recursive: true, verbatimSymlinks: true });
  await writeFile(join(bundle, 'analysis.json'), JSON.stringify(TROUBLESHOOT_ANALYSIS, null, 4));
  const without = await analyze(SAMPLE);
  const report = await analyze(bundle);
  assert.deepEqual(report.findings.map((f) => f.ruleId), without.findings.map((f) => f.ruleId), 'the same findings, none added');
  assert.deepEqual(report.summary, without.summary);
  const results = report.troubleshootAnalysis!.results;
  assert.deepEqual(results.map((r) => r.title), ['Backup Storage Location default', 'Backup instance-x9w3c', 'Delete Backup Requests summary', 'Velero Status']);
  const byTitle = new Map(results.map((r) => [r.title, r]));
  assert.deepEqual(byTitle.get('Backup Storage Location default')!.coveredBy, ['backup-sync-failed', 'bsl-unavailable', 'objstore-access-denied']);
  assert.ok(byTitle.get('Backup instance-x9w3c')!.coveredBy!.includes('backup-failed'));
  assert.equal(byTitle.get('Delete Backup Requests summary')!.coveredBy, undefined);
  assert.ok(byTitle.get('Velero Status')!.coveredBy!.length > 0, 'the summary result is covered by any finding');

  const text = formatReport(report, 'text');
  assert.match(text, /troubleshoot's own analysis \(analysis\.json\) failed 4 Velero checks:/);
  assert.match(text, /Delete Backup Requests summary: Found 2 delete backup requests in progress/);
  assert.doesNotMatch(text, /phase Unavailable/, 'what a finding says is not repeated');
  assert.match(text, /3 more say what the findings above say\./);
  const markdown = formatReport(report, 'markdown');
  assert.match(markdown, /### troubleshoot's own analysis \(analysis\.json\) failed 4 Velero checks\n\n- \*\*warn\*\* Delete Backup Requests summary: Found 2 delete backup requests in progress\n\n3 more say/);
  const html = formatReport(report, 'html');
  assert.match(html, /<td>Delete Backup Requests summary<\/td>/);
  assert.doesNotMatch(html, /Backup Storage Location \[default\] is in phase Unavailable/);
});

test('analysis.json written into a bundle replaces any there, keeps every other entry and link, and is not read back as context', async () => {
  const dir = tempDir('ts-write-');
  const archive = join(dir, 'support-bundle.tar.gz');
  await tar.create({ gzip: true, file: archive, cwd: 'fixtures/sample-bundle', portable: true }, ['support-bundle-2024-05-01T12_30_00']);
  const before: string[] = [];
  await tar.list({ file: archive, onReadEntry: (e) => before.push(`${e.type} ${e.path}`) });
  const report = await analyze(archive);
  await writeBundleAnalysis(archive, report);
  await writeBundleAnalysis(archive, report);
  const after: string[] = [];
  let analysis = '';
  await tar.list({
    file: archive,
    onReadEntry: (e) => {
      after.push(`${e.type} ${e.path}`);
      if (e.path.endsWith('/analysis.json')) e.on('data', (chunk: Buffer) => (analysis += chunk.toString('utf8')));
    },
  });
  const root = 'support-bundle-2024-05-01T12_30_00/';
  const files = (list: string[]) => list.filter((l) => !l.startsWith('Directory ')).map((l) => l.replace(/\/$/, '')).sort();
  assert.deepEqual(files(after), [...files(before), `File ${root}analysis.json`].sort(), 'every entry (symlinks too) kept, one analysis.json added at the root');
  assert.equal(analysis, formatReport(report, 'troubleshoot'));
  const again = await analyze(archive);
  assert.equal(again.troubleshootAnalysis, undefined, 'our own results are not context for ourselves');
  assert.deepEqual(again.findings.map((f) => f.ruleId), report.findings.map((f) => f.ruleId));
  assert.ok((await readFile(archive)).length > 0);
});
