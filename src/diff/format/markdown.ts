// The diff as Markdown for a support ticket: the verdict, then findings by status, versions, locations and runs as tables.
import { clip, inline } from '../../formatters/markdown-escape.js';
import type { DiffReport, FindingChange } from '../types.js';
import { STATUSES, STATUS_BLURB, STATUS_HEADINGS, byStatus, headline, interval, objectList, severityChange, versionText } from './common.js';

const MAX_ROWS = 30;
const MAX_MESSAGE = 300;

function findingRow(change: FindingChange): string {
  const f = change.finding;
  const was = severityChange(change);
  const message = change.status === 'resolved' ? '' : inline(clip(f.message, MAX_MESSAGE));
  return `| ${f.severity}${was ? ` (${was})` : ''} | ${inline(f.title)} (\`${f.ruleId.replace(/[`\r\n|]/g, '')}\`) | ${inline(objectList(f.resources))} | ${message} |`;
}

function rows<T>(list: T[], render: (item: T) => string): string[] {
  const shown = list.slice(0, MAX_ROWS).map(render);
  return list.length > MAX_ROWS ? [...shown, `\n… and ${list.length - MAX_ROWS} more (the JSON and HTML diffs have them all)`] : shown;
}

export function formatDiffMarkdown(report: DiffReport): string {
  const out: string[] = [];
  const later = interval(report);
  out.push('## snapshot-doctor diff', '');
  out.push(`- **Old:** ${inline(report.old.path)} (${report.old.format}), collected ${inline(report.old.collectedAt ?? 'unknown')}`);
  out.push(`- **New:** ${inline(report.new.path)} (${report.new.format}), collected ${inline(report.new.collectedAt ?? 'unknown')}${later ? ` (${later})` : ''}`);
  out.push('');
  if (report.differentCluster.length > 0) {
    out.push('> **Warning:** these inputs look like two different clusters:');
    for (const reason of report.differentCluster) out.push(`> - ${inline(reason)}`);
    out.push('');
  }
  for (const note of report.notes) out.push(`> Note: ${inline(note)}`, '');
  out.push(`**${headline(report)}**`, '');
  for (const status of STATUSES) {
    const changes = byStatus(report, status);
    if (changes.length === 0) continue;
    out.push(`### ${STATUS_HEADINGS[status]} (${changes.length})`, '', `_${STATUS_BLURB[status]}_`, '');
    out.push('| Severity | Finding | On | Message |', '| --- | --- | --- | --- |');
    out.push(...rows(changes, findingRow), '');
  }
  if (report.versions.length > 0) {
    out.push('### Versions', '', '| Component | Change |', '| --- | --- |');
    out.push(...report.versions.map((v) => `| ${inline(v.component)} | ${inline(versionText(v))} |`), '');
  }
  if (report.locations.length > 0 || report.repositories.length > 0) {
    out.push('### Locations and repositories', '', '| Object | Change |', '| --- | --- |');
    const fields = (list: { field: string; old: string | null; new: string | null }[]) =>
      list.filter((f) => f.field !== 'message').map((f) => `${f.field} ${f.old ?? '—'} → ${f.new ?? '—'}`).join(', ') || 'message changed';
    for (const l of report.locations) {
      out.push(`| ${inline(`${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`)} | ${inline(l.change === 'changed' ? fields(l.fields) : l.change)} |`);
    }
    for (const r of report.repositories) out.push(`| ${inline(`repository ${r.key}`)} | ${inline(r.change === 'changed' ? fields(r.fields) : r.change)} |`);
    out.push('');
  }
  out.push(`### Backups and restores between the two collections (${report.runsBetween.length})`, '');
  if (report.runsBetween.length === 0) out.push('None.', '');
  else {
    out.push('| Started | Kind | Name | Phase | Errors | Failure reason |', '| --- | --- | --- | --- | --- | --- |');
    out.push(
      ...rows(
        report.runsBetween,
        (r) =>
          `| ${inline(r.started ?? '')} | ${r.kind} | ${inline(r.name)}${r.backup ? ` (from ${inline(r.backup)})` : ''} | ${inline(r.phase)} | ${r.errors} | ${inline(clip(r.failureReason ?? '', MAX_MESSAGE))} |`,
      ),
      '',
    );
  }
  out.push(`<sub>snapshot-doctor ${inline(report.tool.version)}, ${inline(report.generatedAt)}</sub>`);
  return `${out.join('\n')}\n`;
}
