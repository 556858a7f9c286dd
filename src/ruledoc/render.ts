// One rule's documentation for the terminal (`rules show`): its README sections rendered, its messages and severities in words.
import { severityRank, type Severity } from '../constants.js';
import { deriveLiterals } from '../engine/literals.js';
import { README_SECTIONS } from '../engine/rule-docs.js';
import type { LoadedRule } from '../engine/types.js';
import { captureNames, type YamlRuleSpec } from '../engine/yaml-rule.js';
import { markdownToTerminal, wrapWords } from '../formatters/markdown-render.js';
import { painter } from '../formatters/text.js';
import { conditionInWords, logPatternInWords, queryInWords, rangeInWords } from './conditions-words.js';
import { fixInWords, messageInWords, type MessageCase } from './template-words.js';

export interface RuleDocOptions {
  color?: boolean;
  /** Terminal columns; 100 when not a terminal. */
  width?: number;
}

/** Columns when the caller gives none (not a terminal), as the text report. */
const DEFAULT_WIDTH = 100;
const BODY = '  ';
/** The width of the field names at the top (`explained by`), and one space. */
const LABEL = 14;

/** One way a rule's findings read: what it was found in, its severity when not the default, and the message's cases. */
export interface MessageVariant {
  /** `a Backup whose …`; undefined when it is the rule's only message, empty for "anything else it matches". */
  from?: string;
  severity?: Severity;
  cases: MessageCase[];
}

/**
 * The message variants of a YAML rule: each object query and log pattern with a message, severity or
 * Velero range of its own, then the rule's message for everything else it matches.
 */
export function messageVariants(spec: YamlRuleSpec): MessageVariant[] {
  const out: MessageVariant[] = [];
  /** What the rule's own message speaks for: the queries and patterns without a message, severity or range of their own. */
  const plain: string[] = [];
  for (const q of spec.match.objects ?? []) {
    const from = queryInWords(q.kind, q.where);
    if (!q.message && !q.severity) {
      plain.push(from);
      continue;
    }
    const variant: MessageVariant = { from, cases: messageInWords(q.message ?? spec.message) };
    if (q.severity) variant.severity = q.severity;
    out.push(variant);
  }
  const logCaptures: string[] = [];
  for (const p of spec.match.logs ?? []) {
    const derived = p.literals ? undefined : deriveLiterals(p.regex);
    const from = logPatternInWords(p, derived && 'literals' in derived ? derived.literals : undefined);
    if (!p.message && !p.severity && !p.velero) {
      plain.push(from);
      logCaptures.push(...captureNames(p.regex));
      continue;
    }
    const variant: MessageVariant = { from, cases: messageInWords(p.message ?? spec.message, { lineCaptures: captureNames(p.regex) }) };
    if (p.severity) variant.severity = p.severity;
    out.push(variant);
  }
  mergeAlike(out);
  if (plain.length > 0 || out.length === 0) {
    const cases = messageInWords(spec.message, { lineCaptures: logCaptures });
    // A few sources are named; more read as the rest of what the rule matches.
    if (out.length === 0) out.push({ cases });
    else out.push(plain.length <= MAX_NAMED_SOURCES ? { from: plain.join('; or from '), cases } : { from: ANYTHING_ELSE, cases });
  }
  return out;
}

/** Variants that read the same at the same severity are one, from any of their sources. */
function mergeAlike(variants: MessageVariant[]): void {
  for (let i = 0; i < variants.length; i++) {
    const v = variants[i]!;
    for (let j = variants.length - 1; j > i; j--) {
      const w = variants[j]!;
      if (w.severity === v.severity && JSON.stringify(w.cases) === JSON.stringify(v.cases)) {
        v.from = `${v.from}; or from ${w.from}`;
        variants.splice(j, 1);
      }
    }
  }
}

/** Sources sharing the rule's own message that are named one by one; more are "anything else it matches". */
const MAX_NAMED_SOURCES = 2;
const ANYTHING_ELSE = '';

/** The severities a rule's findings can have, most severe first, with the default's place among them. */
function severityLine(rule: LoadedRule, variants: MessageVariant[]): { default: Severity; others: { severity: Severity; when?: string }[] } {
  const meta = rule.meta;
  const others: { severity: Severity; when?: string }[] = [...(meta.otherSeverities ?? [])];
  const fromVariants = [...new Set(variants.map((v) => v.severity).filter((s): s is Severity => s !== undefined && s !== meta.severity))];
  for (const severity of fromVariants) others.push({ severity });
  others.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return { default: meta.severity, others };
}

/** `https://…` lines, Markdown lists and paragraphs of a README section, for the terminal. */
function section(markdown: string, width: number): string[] {
  return markdownToTerminal(markdown, width - BODY.length).map((l) => (l ? BODY + l : l));
}

/** Code spans read without their backticks in a message (as the text report's summary shows them). */
function plain(text: string): string {
  return text.replace(/`([^`]+)`/g, '$1');
}

/** `text` wrapped to `width` with `first` before its first line and `indent` before the others. */
function hanging(first: string, text: string, indent: string, width: number): string[] {
  return wrapWords(text, Math.max(20, width - indent.length)).map((l, i) => (i === 0 ? first : indent) + l);
}

/**
 * A rule's documentation as the terminal shows it: title, severity (the default, and when findings
 * get another), category, summary; the README's sections with the fix's placeholders in words; every
 * message variant with its conditions in words; links and sources. Pure: the CLI prints it.
 */
export function formatRuleDoc(rule: LoadedRule, options: RuleDocOptions = {}): string {
  const { c, bySeverity } = painter(Boolean(options.color));
  // One column spare: a line exactly as wide as the terminal wraps on some terminals.
  const width = Math.max(40, (options.width ?? DEFAULT_WIDTH + 1) - 1);
  const meta = rule.meta;
  const variants = rule.yaml ? messageVariants(rule.yaml) : [];
  const out: string[] = [];
  const heading = (text: string) => out.push('', c.bold(text));

  const title = wrapWords(`${meta.id}: ${meta.title}`, width);
  out.push(c.bold(title[0]!), ...title.slice(1).map((l) => c.bold(l)));
  const field = (name: string, value: string) => out.push(...hanging(c.dim(name.padEnd(LABEL)), value, ' '.repeat(LABEL), width));
  const severity = severityLine(rule, variants);
  // Colours go on after wrapping: their escapes take no column.
  const painted = (lines: string[], text: string, severity: Severity) => {
    const at = lines.findIndex((l) => l.includes(text));
    if (at >= 0) lines[at] = lines[at]!.replace(text, text.replace(severity, bySeverity[severity](severity)));
    return lines;
  };
  out.push(...painted(hanging(c.dim('severity'.padEnd(LABEL)), `${severity.default} (the default)`, ' '.repeat(LABEL), width), `${severity.default} (the default)`, severity.default));
  for (const other of severity.others) {
    const when = other.when ?? 'for some of what it matches (see Messages)';
    out.push(...painted(hanging(' '.repeat(LABEL), `${other.severity} ${when}`, ' '.repeat(LABEL + 2), width), `${other.severity} `, other.severity));
  }
  if (severity.others.length > 0 && rule.yaml) out.push(...hanging(' '.repeat(LABEL), 'A finding takes the most severe of its matches.', ' '.repeat(LABEL), width).map(c.dim));
  field('category', meta.category);
  if (rule.yaml?.when) field('applies', `only when ${conditionInWords(rule.yaml.when)}`);
  if (meta.explainedBy?.length) field('explained by', meta.explainedBy.join(', '));
  field('defined in', rule.file ?? (rule.origin === 'builtin' ? `rules/${meta.id}/rule.ts (TypeScript)` : rule.origin));

  heading('When it fires');
  out.push(...hanging(BODY, plain(meta.summary), BODY, width));

  heading(README_SECTIONS.means);
  // The loaded description is "What it means", then "Why it happens" when the README has it.
  const why = meta.why !== undefined && meta.description.endsWith(meta.why) ? meta.why : undefined;
  out.push(...section(why === undefined ? meta.description : meta.description.slice(0, -why.length).trimEnd(), width));
  if (why) {
    heading(README_SECTIONS.why);
    out.push(...section(why, width));
  }

  heading(README_SECTIONS.fix);
  out.push(...section(fixInWords(meta.remediation), width));
  if (meta.remediation.includes('veleroNamespace')) {
    out.push('', ...hanging(BODY, 'Commands name the namespace "velero"; a report names the namespace Velero runs in.', BODY, width).map(c.dim));
  }

  if (variants.length > 0) {
    heading('Messages');
    for (const v of variants) {
      const from = v.from === undefined ? 'Every finding' : v.from === ANYTHING_ELSE ? 'Anything else it matches' : `From ${v.from}`;
      const sev = v.severity && v.severity !== meta.severity ? v.severity : undefined;
      const header = hanging(`${BODY}• `, `${from}${sev ? ` (${sev})` : ''}:`, `${BODY}  `, width);
      out.push(...(sev ? painted(header, `(${sev}):`, sev) : header));
      for (const k of v.cases) {
        const when = k.when.length > 0 ? `When ${k.when.join(' and ')}: ` : v.cases.length > 1 ? 'Otherwise: ' : '';
        out.push(...hanging(`${BODY}    `, `${when}${plain(k.text)}`, `${BODY}      `, width));
      }
    }
  }
  // A YAML rule's variants by version (its patterns' messages) are under Messages; README.md's section says what patterns cannot.
  const ownVariants = (rule.yaml?.match.logs ?? []).filter((p) => p.velero && p.message).map((p) => `${p.velero}\0${p.message}`);
  if (meta.variants?.some((v) => !ownVariants.includes(`${v.range}\0${v.text}`))) {
    heading(README_SECTIONS.messages);
    for (const v of meta.variants) {
      const range = v.range.replace(/^velero\s+/i, '');
      out.push(...hanging(`${BODY}• `, `For ${rangeInWords(range)}: ${plain(v.text)}`, `${BODY}  `, width));
    }
  }

  heading(README_SECTIONS.links);
  for (const url of meta.docs) out.push(`${BODY}• ${url}`);
  if (meta.sources) {
    heading(README_SECTIONS.sources);
    out.push(...section(meta.sources, width));
  }
  return `${out.join('\n')}\n`;
}
