// What a rule is, for YAML rules and TypeScript rules alike, and what the engine hands a rule when it runs.
import type { Category, Severity } from '../constants.js';
import type { Bundle, LogComponent, LogFile, LogHit } from '../model/bundle.js';
import type { ObjectRef } from '../model/kube.js';
import type { YamlRuleSpec } from './yaml-rule.js';

/** What a rule's README.md documents (a plain YAML rule file holds the same fields itself). */
export interface RuleDocs {
  /** Markdown: what it means and why it happens. */
  description: string;
  /** Markdown handlebars template: how to fix it, filled per finding. */
  remediation: string;
  /** Links to read further. */
  docs: string[];
  /** Version ranges the rule's message variants apply to, for `rules show` (e.g. `velero <1.9.0: "..."`). */
  variants?: { range: string; text: string }[];
  /** A README.md's "Why it happens" (Markdown), which `description` ends with: `rules show` heads it apart. */
  why?: string;
  /** A README.md's "Sources" (Markdown): the public issues and source files its patterns quote, for `rules show`. */
  sources?: string;
}

/** Documentation and defaults of a rule: everything `rules list` / `rules show` print. */
export interface RuleMeta extends RuleDocs {
  /** Stable kebab-case id; never reused for another meaning. */
  id: string;
  title: string;
  /** Default severity (a pattern variant or a config may change it per finding). */
  severity: Severity;
  category: Category;
  /** One sentence: when the rule fires. */
  summary: string;
  /** Root-cause rules that, when they fire too, explain this rule's findings. */
  explainedBy?: string[];
  /**
   * The severities other than the default that a TypeScript rule gives, each with when, in words, for
   * `rules show` (a YAML rule's variants say it themselves).
   */
  otherSeverities?: { severity: Severity; when: string }[];
}

/** A log pattern, as declared by a YAML or TypeScript rule, before compilation. */
export interface LogPatternSpec {
  /** JavaScript regular-expression source; named groups become template captures. */
  regex: string;
  flags?: string;
  /** Literal strings, one of which every matching line contains (the scan prefilter). Derived from `regex` when omitted. */
  literals?: string[];
  /** Only lines from these components; all when omitted. */
  components?: LogComponent[];
  /** Only lines of these levels (`debug|info|warning|error|fatal`); all when omitted. */
  levels?: string[];
  /** Semver range of the Velero version this variant applies to; applies when the version is unknown. */
  velero?: string;
  /** Variant-specific message template and severity. */
  message?: string;
  severity?: Severity;
}

/** A log hit with the file it came from. */
export interface LogHitRef {
  file: LogFile;
  hit: LogHit;
}

/** What a rule reports; the engine fills in the rule's meta, renders nothing else and applies ignores. */
export interface FindingInput {
  message: string;
  severity?: Severity;
  resources?: ObjectRef[];
  evidence?: Evidence[];
  /** How many lines / objects showed it; defaults to the evidence count (or 1). */
  count?: number;
  /** Overrides the rendered meta.remediation for this finding. */
  remediation?: string;
  /**
   * The causes the rule weighed itself (a rule that runs after the others and reads their findings):
   * the engine names these and links no other by `meta.explainedBy`; `[]` names none.
   */
  explainedBy?: string[];
  /** Why `severity` differs from the rule's default, in words ("downgraded to info: …"). */
  severityReason?: string;
}

export interface RuleContext {
  bundle: Bundle;
  /** The collection time of the bundle, or the run's clock when the input does not tell. */
  now: Date;
  /** Hits of this rule's log patterns (all patterns, or the one at `patternIndex`), in input order. */
  hits(patternIndex?: number): LogHitRef[];
  /** Total hit count of this rule's patterns, including hits not kept in memory. */
  hitCount(patternIndex?: number): number;
  report(finding: FindingInput): void;
  /**
   * For rules that run after the others (`afterOthers`): every finding the other rules reported,
   * before ignores apply (an ignored finding still explains what it is about). Empty for other rules.
   */
  otherFindings?(): readonly Finding[];
}

/** A rule the engine can run: loaded from YAML, or written in TypeScript (a built-in rule folder's rule.ts). */
export interface RuleDefinition {
  meta: RuleMeta;
  logPatterns?: LogPatternSpec[];
  /** Runs once every other rule has run, and reads their findings (what no other rule explains). */
  afterOthers?: boolean;
  check(ctx: RuleContext): void;
}

/** A TypeScript rule as written in `rules/<id>/rule.ts`: its documentation comes from the folder's README.md. */
export interface RuleModule {
  meta: Omit<RuleMeta, keyof RuleDocs> & Partial<RuleDocs>;
  logPatterns?: LogPatternSpec[];
  /** Runs once every other rule has run, and reads their findings (RuleDefinition.afterOthers). */
  afterOthers?: boolean;
  check(ctx: RuleContext): void;
}

/** Where a loaded rule came from. */
export interface LoadedRule extends RuleDefinition {
  origin: 'builtin' | 'vendor';
  /** The YAML file, for YAML rules. */
  file?: string;
  /** The validated YAML rule, for YAML rules: `rules show` describes its message variants from it. */
  yaml?: YamlRuleSpec;
}

// The engine's output: findings, and one outcome per rule evaluated (the Report carries both).

export interface Evidence {
  /** The file inside the input the evidence comes from. */
  file: string;
  /** 1-based line number, when the evidence is a log line. */
  line?: number;
  /** The evidence itself, redacted. */
  text: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  category: Category;
  title: string;
  message: string;
  resources: ObjectRef[];
  /** A few representative lines; `count` says how many there were in all. */
  evidence: Evidence[];
  /** How many log lines or objects showed this problem. */
  count: number;
  remediation: string;
  docs: string[];
  /** Ids of root-cause findings in this report that explain this symptom. */
  explainedBy?: string[];
  /** Why the severity differs from the rule's default, in words (`downgraded to info: it ended 12 days ago, …`). */
  severityReason?: string;
  /**
   * When the rule fired on several objects for one reason, one row per object (newest first, every
   * one of them); `message` then sums them up.
   */
  objects?: AffectedObject[];
}

/** One object a grouped finding is about. */
export interface AffectedObject {
  kind: string;
  namespace?: string;
  name: string;
  /** When it started (or was created), as the input gave it. */
  time?: string;
  /** The object's own error count (`status.errors`), when it has one. */
  errors?: number;
  /** What the rule said about this object alone. */
  message: string;
}

/** One row per rule evaluated (for JUnit and for "what was checked"). */
export interface RuleOutcome {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  fired: boolean;
}
