// What a person would not write in a report: "(s)" plurals, "?" for an unknown value, empty quotes, Markdown backticks in plain text; found in a report's own words.
import type { Report } from '../../src/report/types.js';

/** `line(s)`, `backup(es)`, `repository(ies)`. */
const HEDGED_PLURAL = /[A-Za-z]\((?:s|es|ies)\)/;
/** A `?` standing alone where a value belongs: `node ?`, `(?,`, `= ?`. */
const LONE_QUESTION_MARK = /(?:^|[\s([,:=])\?(?=$|[\s)\],;:.])/m;
/** `bucket ""`: a quoted value that is empty. */
const EMPTY_QUOTES = /(?:^|[\s(])""(?=$|[\s),.;:])/m;

const PATTERNS = [
  ['"(s)" plural', HEDGED_PLURAL],
  ['"?" for a value', LONE_QUESTION_MARK],
  ['empty quotes', EMPTY_QUOTES],
] as const;

function locatedFaults(text: string): { what: string; at: number; text: string }[] {
  const faults: { what: string; at: number; text: string }[] = [];
  for (const [what, pattern] of PATTERNS) {
    for (const m of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
      faults.push({ what: `${what}: …${text.slice(Math.max(0, m.index - 40), m.index + 40)}…`, at: m.index, text });
    }
  }
  return faults;
}

/** The faults of one piece of text, each as `what: …context…`. */
export function wordingFaults(text: string): string[] {
  return locatedFaults(text).map((f) => f.what);
}

/** Fenced blocks and code spans: commands and YAML, where `""` and `?` are literal. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/**
 * Whether a fault sits in text the finding quotes from its input (a status message, a log line): the
 * words around it appear in the finding's evidence, where Kubernetes wrote `3 node(s) had …` itself.
 */
function quoted(fault: { at: number; text: string }, evidence: string[]): boolean {
  const around = fault.text.slice(Math.max(0, fault.at - 16), fault.at + 8);
  return evidence.some((e) => e.includes(around) || e.replace(/\\"/g, '"').includes(around));
}

/** The faults of the words a report writes itself (evidence is quoted input, so it is left out), each with its rule. */
export function reportWordingFaults(report: Report): string[] {
  const faults: string[] = [];
  for (const f of report.findings) {
    const evidence = f.evidence.map((e) => e.text);
    const texts = [f.title, f.message, withoutCode(f.remediation), ...(f.objects ?? []).map((o) => o.message)];
    for (const t of texts) for (const fault of locatedFaults(t)) if (!quoted(fault, evidence)) faults.push(`${f.ruleId}: ${fault.what}`);
    // Titles and messages are plain text in every format: a code span's backticks would be shown as they are.
    for (const t of [f.title, f.message]) {
      for (const m of t.matchAll(/`/g)) {
        const fault = { at: m.index, text: t };
        if (!quoted(fault, evidence)) faults.push(`${f.ruleId}: a backtick in plain text: …${t.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
      }
    }
  }
  for (const item of report.fixFirst) for (const t of [item.title, withoutCode(item.action)]) for (const fault of wordingFaults(t)) faults.push(`fix first: ${fault}`);
  return faults;
}
