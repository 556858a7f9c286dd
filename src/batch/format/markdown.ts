// The batch summary as Markdown: a row per input and the rules that fired across inputs, as tables.
import { clip, inline } from '../../formatters/markdown-escape.js';
import { SEVERITIES } from '../../constants.js';
import { summarizeBatch } from '../summary.js';
import type { BatchResult } from '../types.js';
import { plural } from '../../util/words.js';

const dash = (v: string | null | undefined) => (v ? inline(v) : '—');

export function formatBatchMarkdown(result: BatchResult): string {
  const summary = summarizeBatch(result);
  const t = summary.totals;
  const out: string[] = ['## snapshot-doctor: batch analysis', ''];
  out.push(
    `**${plural(t.inputs, 'input')}**: ${t.withFindings} with findings, ${t.unreadable} unreadable; ` +
      `${SEVERITIES.map((s) => `${t.counts[s]} ${s}`).join(', ')} findings in all.`,
    '',
  );
  out.push('| Input | Collected | Velero | KOTS | Kubernetes | Critical | Error | Warning | Info | Top root cause |');
  out.push('| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const row of summary.rows) {
    if (row.error) {
      out.push(`| ${inline(row.input)} | | | | | | | | | **unreadable:** ${inline(clip(row.error, 300))} |`);
      continue;
    }
    const cause = row.topCause ? `${inline(row.topCause.title)} (\`${row.topCause.ruleId.replace(/[`|\r\n]/g, '')}\`)` : 'no findings';
    out.push(
      `| ${inline(row.input)} | ${dash(row.collectedAt)} | ${dash(row.velero)} | ${dash(row.kots)} | ${dash(row.kubernetes)} | ` +
        `${SEVERITIES.map((s) => row.counts[s]).join(' | ')} | ${cause} |`,
    );
  }
  out.push('');
  if (summary.rules.length > 0) {
    out.push(`### Rules across the ${plural(t.read, 'readable input')}`, '');
    out.push('| Rule | Severity | Inputs | Share | Top root cause in |', '| --- | --- | ---: | ---: | ---: |');
    for (const rule of summary.rules) {
      const share = t.read > 0 ? `${Math.round((rule.inputs / t.read) * 100)}%` : '';
      out.push(`| ${inline(rule.title)} (\`${rule.ruleId.replace(/[`|\r\n]/g, '')}\`) | ${rule.severity} | ${rule.inputs} | ${share} | ${rule.topIn} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
