// The symptoms a Fix-first entry explains, one per rule: two findings of one rule read "A backup partially failed (2 findings)", not the title twice.
import { severityRank, type Severity } from '../constants.js';
import type { FixFirstItem, Report } from './types.js';
import { plural } from '../util/words.js';

export interface ExplainedSymptom {
  ruleId: string;
  title: string;
  /** Index in `findings` of the rule's first finding among the explained ones (the link target). */
  finding: number;
  /** How many of the explained findings are this rule's. */
  findings: number;
  /** The most severe of them. */
  severity: Severity;
}

/** The symptoms of one Fix-first entry grouped by rule, in the order they first appear. */
export function explainedSymptoms(report: Pick<Report, 'findings'>, item: Pick<FixFirstItem, 'explains'>): ExplainedSymptom[] {
  const byRule = new Map<string, ExplainedSymptom>();
  for (const j of item.explains) {
    const f = report.findings[j];
    if (!f) continue;
    const known = byRule.get(f.ruleId);
    if (!known) byRule.set(f.ruleId, { ruleId: f.ruleId, title: f.title, finding: j, findings: 1, severity: f.severity });
    else {
      known.findings++;
      if (severityRank(f.severity) < severityRank(known.severity)) known.severity = f.severity;
    }
  }
  return [...byRule.values()];
}

/** `A backup partially failed`, or `A backup partially failed (2 findings)`. */
export function symptomLabel(symptom: ExplainedSymptom): string {
  return symptom.findings > 1 ? `${symptom.title} (${plural(symptom.findings, 'finding')})` : symptom.title;
}
