// The batch summary as one self-contained HTML page: cards, a row per input, the rules across inputs with their share.
import { SEVERITIES } from '../../constants.js';
import { loadTemplate } from '../../formatters/template.js';
import { TOOL_VERSION } from '../../version.js';
import { summarizeBatch } from '../summary.js';
import type { BatchResult } from '../types.js';

/** Only relative links inside the output folder, each segment URI-encoded: nothing from an input becomes a scheme or leaves the folder. */
function safeHref(href: string | undefined): string | undefined {
  if (!href || href.startsWith('/') || href.split('/').some((part) => part === '..' || part === '')) return undefined;
  return href.split('/').map(encodeURIComponent).join('/');
}

export function formatBatchHtml(result: BatchResult, reportHrefs: (string | undefined)[] = []): string {
  const summary = summarizeBatch(result);
  const read = summary.totals.read;
  const view = {
    title: `snapshot-doctor: batch of ${summary.totals.inputs}`,
    totals: summary.totals,
    workers: summary.workers,
    seconds: (summary.durationMs / 1000).toFixed(1),
    version: TOOL_VERSION,
    severityCards: SEVERITIES.map((name) => ({ name, count: summary.totals.counts[name] })),
    rows: summary.rows.map((row, i) => ({
      ...row,
      href: safeHref(reportHrefs[i]),
      collected: row.collectedAt ?? '—',
      velero: row.velero ?? '—',
      kots: row.kots ?? '—',
      kubernetes: row.kubernetes ?? '—',
      countCells: SEVERITIES.map((s) => ({ count: row.counts[s], cls: row.counts[s] > 0 ? s : 'zero' })),
    })),
    rules: summary.rules.map((rule) => {
      const fraction = read > 0 ? rule.inputs / read : 0;
      return { ...rule, share: `${Math.round(fraction * 100)}%`, barWidth: Math.round(fraction * 120) };
    }),
  };
  return loadTemplate('batch.html.hbs', { escape: true })(view);
}
