// What the formats show of troubleshoot's own analysis in the input: the results no finding covers, and how many the findings do.
import type { Report, TroubleshootContext } from '../report/types.js';
import { plural } from '../util/words.js';

export interface ContextView {
  /** Results no finding says already, in the order troubleshoot wrote them. */
  shown: TroubleshootContext['results'];
  /** How many results the findings already say. */
  covered: number;
  heading: string;
}

export function troubleshootContextView(report: Report): ContextView | undefined {
  const results = report.troubleshootAnalysis?.results ?? [];
  if (results.length === 0) return undefined;
  const shown = results.filter((r) => !r.coveredBy?.length);
  const covered = results.length - shown.length;
  const n = results.length;
  const heading = `troubleshoot's own analysis (analysis.json) failed ${plural(n, 'Velero check')}`;
  return { shown, covered, heading };
}

/** `3 more say what the findings above say.` or ''. */
export function coveredLine(view: ContextView): string {
  if (view.covered === 0) return '';
  return `${view.covered} ${view.shown.length > 0 ? 'more ' : ''}${view.covered === 1 ? 'says' : 'say'} what the findings above say.`;
}
