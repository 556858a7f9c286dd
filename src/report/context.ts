// Context for the findings from other tools' analysis in the input: troubleshoot's failing Velero results, linked to the findings that cover them.
import type { ExternalResult } from '../model/bundle.js';
import type { Finding, TroubleshootContext } from './types.js';

/** troubleshoot's summary results: they say that something failed, which any finding says better. */
const SUMMARY_TITLES = /^(?:Velero Status|Velero logs for pod\b|Velero Logs analysis\b)/i;

/**
 * troubleshoot's results beside the findings, without saying twice what a finding says: a result
 * about an object a finding names (or a summary result, when there is any finding) carries the ids
 * of those findings in `coveredBy`, and the formats show only the others in full.
 */
export function troubleshootContext(results: ExternalResult[] | undefined, findings: Finding[], redact: (text: string) => string): TroubleshootContext | undefined {
  if (!results || results.length === 0) return undefined;
  const entries = results.map((result) => {
    const coveredBy = new Set<string>();
    for (const finding of findings) {
      const names = result.object && finding.resources.some((r) => r.kind === result.object!.kind && r.name === result.object!.name && (!result.object!.namespace || !r.namespace || r.namespace === result.object!.namespace));
      if (names || (SUMMARY_TITLES.test(result.title) && !result.object)) coveredBy.add(finding.ruleId);
    }
    const entry: TroubleshootContext['results'][number] = { source: result.source, title: redact(result.title), message: redact(result.message), severity: result.severity };
    if (result.object) entry.object = { ...result.object };
    if (coveredBy.size > 0) entry.coveredBy = [...coveredBy].sort();
    return entry;
  });
  return { results: entries };
}
