// What a rule is, for YAML rules and TypeScript rules alike, and what the engine hands a rule when it runs.
import type { Category, Severity } from '../constants.js';
import type { Bundle, LogComponent, LogFile, LogHit } from '../model/bundle.js';
import type { ObjectRef } from '../model/kube.js';
import type { Evidence, Finding } from '../report/types.js';

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
}
