// The troubleshoot formatter: findings as troubleshoot analyzer results, the shape of a support bundle's `analysis.json`.
import { TROUBLESHOOT_RULE_ID_LABEL, type Severity } from '../constants.js';
import type { Finding, Report } from '../report/types.js';
import { plural } from '../util/words.js';

/** troubleshoot's result severities: `error` for a failed check, `warn`, `info`, and `debug` for a pass. */
export type AnalyzerSeverity = 'error' | 'warn' | 'info' | 'debug';

/** One entry of `analysis.json` (troubleshoot's `convert.Result`, as JSON). */
export interface AnalyzerResult {
  name: string;
  labels: Record<string, string>;
  insight: { name: string; labels: Record<string, string>; primary: string; detail: string; severity: AnalyzerSeverity };
  severity: AnalyzerSeverity;
  analyzerSpec: string;
  /** Only for `error` results, as troubleshoot writes it for a failed check. */
  error?: string;
  involvedObject?: { kind: string; namespace?: string; name: string };
}


/** Evidence lines in a result's detail: enough to see the cause in tools that show only analysis.json. */
const MAX_EVIDENCE = 3;

const SEVERITY: Record<Severity, AnalyzerSeverity> = { critical: 'error', error: 'error', warning: 'warn', info: 'info' };

/** troubleshoot names a result after its title: lower case, every run of other characters a dot. */
function resultName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
}

function detail(finding: Finding): string {
  const parts = [finding.message.trim()];
  if (finding.severityReason) parts.push(`Severity ${finding.severityReason}.`);
  const evidence = finding.evidence.slice(0, MAX_EVIDENCE).map((e) => `${e.line ? `${e.file}:${e.line}` : e.file}: ${e.text}`);
  if (evidence.length > 0) parts.push(`Evidence:\n${evidence.join('\n')}`);
  if (finding.remediation.trim()) parts.push(`How to fix it: ${finding.remediation.trim()}`);
  if (finding.docs.length > 0) parts.push(`More: ${finding.docs.join(' ')}`);
  return parts.join('\n\n');
}

function toResult(finding: Finding): AnalyzerResult {
  const severity = SEVERITY[finding.severity];
  const name = `snapshot.doctor.${resultName(finding.ruleId)}`;
  const labels = { iconKey: '', iconUri: '' };
  const result: AnalyzerResult = {
    name,
    labels: { desiredPosition: '1', ...labels, [TROUBLESHOOT_RULE_ID_LABEL]: finding.ruleId, snapshotDoctorSeverity: finding.severity },
    insight: { name, labels, primary: finding.title, detail: detail(finding), severity },
    severity,
    analyzerSpec: '',
  };
  if (severity === 'error') result.error = finding.message.trim();
  const object = finding.resources[0];
  if (object) {
    result.involvedObject = { kind: object.kind, name: object.name };
    if (object.namespace) result.involvedObject.namespace = object.namespace;
  }
  return result;
}

/** The passing result written when nothing was found: tools that list a bundle's analysis then show that the check ran. */
function passResult(report: Report): AnalyzerResult {
  const name = 'snapshot.doctor';
  const labels = { iconKey: '', iconUri: '' };
  const backups = report.inventory.backups;
  const primary = 'Velero / KOTS snapshots';
  const text = `snapshot-doctor ${report.tool.version} found no problem${backups > 0 ? ` (${plural(backups, 'backup')} read)` : ''}.`;
  return {
    name,
    labels: { desiredPosition: '1', ...labels },
    insight: { name, labels, primary, detail: text, severity: 'debug' },
    severity: 'debug',
    analyzerSpec: '',
  };
}

/** The results as troubleshoot writes `analysis.json`: an array, four-space indent. */
export function troubleshootResults(report: Report): AnalyzerResult[] {
  return report.findings.length > 0 ? report.findings.map(toResult) : [passResult(report)];
}

export function formatTroubleshoot(report: Report, _options: object = {}): string {
  return `${JSON.stringify(troubleshootResults(report), null, 4)}\n`;
}
