// Runs every rule against a read Bundle: hit lookup, findings, root causes over symptoms, ignores, outcomes.
import type { Config, Ignore } from '../config/index.js';
import type { Bundle, LogFile } from '../model/bundle.js';
import { VersionTimeline } from '../model/versions.js';
import type { ObjectRef } from '../model/kube.js';
import type { Finding, RuleOutcome } from './types.js';
import type { RuleSet } from './load.js';
import { Relations } from './relations.js';
import { patternKey, type CompiledPattern } from './patterns.js';
import { compileTemplate, isTemplate } from './templates.js';
import type { FindingInput, LoadedRule, LogHitRef, RuleContext } from './types.js';
import { variantApplies } from './versions.js';

export interface EvaluateOptions {
  config?: Config;
  /** The bundle's collection time (ages are measured against it). */
  now: Date;
  /** Today, for ignore expiry; the system clock by default. */
  today?: Date;
  /** Called after each rule ran, with how many did of how many. */
  onRule?: (done: number, total: number) => void;
}

export interface Evaluation {
  findings: Finding[];
  outcomes: RuleOutcome[];
}

/** Kept hits and true counts by pattern key, in input order. */
class HitIndex {
  private readonly hits = new Map<string, LogHitRef[]>();
  private readonly counts = new Map<string, number>();

  constructor(bundle: Bundle) {
    for (const file of bundle.logs) {
      for (const hit of file.hits) {
        const list = this.hits.get(hit.patternKey);
        if (list) list.push({ file, hit });
        else this.hits.set(hit.patternKey, [{ file, hit }]);
      }
      for (const [key, n] of Object.entries(file.hitCounts)) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    }
    for (const list of this.hits.values()) sortByLine(list);
  }

  get(key: string): LogHitRef[] {
    return this.hits.get(key) ?? [];
  }

  /** The kept hits of one pattern by file (files with hits only; unkept hits show in `file.hitCounts`). */
  byFile(key: string): Map<LogFile, LogHitRef[]> {
    const files = new Map<LogFile, LogHitRef[]>();
    for (const ref of this.get(key)) {
      const list = files.get(ref.file);
      if (list) list.push(ref);
      else files.set(ref.file, [ref]);
    }
    return files;
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

function sortByLine(list: LogHitRef[]): void {
  // Files keep their bundle order (stable sort); lines ascend within a file.
  const order = new Map<object, number>();
  for (const ref of list) if (!order.has(ref.file)) order.set(ref.file, order.size);
  list.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.hit.line - b.hit.line);
}

/** Findings whose rule chose their causes itself (FindingInput.explainedBy), with those causes. */
const causesChosenByRule = new WeakMap<Finding, string[]>();

export function evaluate(ruleSet: RuleSet, bundle: Bundle, options: EvaluateOptions): Evaluation {
  const index = new HitIndex(bundle);
  const timeline = new VersionTimeline(bundle.logs);
  const patternsByRule = new Map<string, CompiledPattern[]>();
  for (const p of ruleSet.patterns) {
    const list = patternsByRule.get(p.ruleId);
    if (list) list.push(p);
    else patternsByRule.set(p.ruleId, [p]);
  }
  const findingsByRule = new Map<string, Finding[]>();
  const failed = new Set<string>();
  const others = (): Finding[] => [...findingsByRule.values()].flat();
  // Rules that read the others' findings run last, in catalog order among themselves.
  const order = [...ruleSet.rules.filter((r) => !r.afterOthers), ...ruleSet.rules.filter((r) => r.afterOthers)];
  for (const [done, rule] of order.entries()) {
    options.onRule?.(done, order.length);
    const patterns = patternsByRule.get(rule.meta.id) ?? [];
    try {
      findingsByRule.set(rule.meta.id, runRule(rule, patterns, bundle, index, options.now, timeline, rule.afterOthers ? others : () => []));
    } catch (error) {
      failed.add(rule.meta.id);
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      bundle.problems.push({ source: `rule ${rule.meta.id}`, message: `the rule failed and was skipped: ${message}` });
    }
  }
  options.onRule?.(order.length, order.length);
  explainSymptoms(ruleSet.rules, findingsByRule, new Relations(bundle));
  applyIgnores(findingsByRule, ruleSet.rules, bundle, options);
  const findings = ruleSet.rules.flatMap((r) => findingsByRule.get(r.meta.id) ?? []);
  const outcomes: RuleOutcome[] = ruleSet.rules.map((r) => ({
    id: r.meta.id,
    title: r.meta.title,
    severity: r.meta.severity,
    category: r.meta.category,
    fired: (findingsByRule.get(r.meta.id)?.length ?? 0) > 0,
  }));
  return { findings, outcomes };
}

function runRule(
  rule: LoadedRule,
  patterns: CompiledPattern[],
  bundle: Bundle,
  index: HitIndex,
  now: Date,
  timeline: VersionTimeline,
  otherFindings: () => readonly Finding[],
): Finding[] {
  const bundleVersion = bundle.versions.velero;
  // Each line is judged by the Velero that wrote it (its log's start-up line, or the start in effect then).
  const applies = (p: CompiledPattern, ref: LogHitRef) => variantApplies(p.velero, timeline.versionAt(ref.file, ref.hit.line) ?? bundleVersion);
  const indexes = (patternIndex?: number) => (patternIndex === undefined ? patterns.map((_, i) => i) : patterns[patternIndex] ? [patternIndex] : []);
  const hitsOf = (i: number): LogHitRef[] => {
    const p = patterns[i]!;
    const all = index.get(patternKey(rule.meta.id, i));
    return p.velero === undefined ? all : all.filter((ref) => applies(p, ref));
  };
  const countOf = (i: number): number => {
    const p = patterns[i]!;
    const key = patternKey(rule.meta.id, i);
    if (p.velero === undefined) return index.count(key);
    // Hits beyond those kept count by their file's last kept hit (one file is one Velero, but for an upgrade inside it).
    let n = 0;
    for (const [file, refs] of index.byFile(key)) {
      const kept = refs.filter((ref) => applies(p, ref)).length;
      const unkept = (file.hitCounts[key] ?? 0) - refs.length;
      n += kept + (unkept > 0 && applies(p, refs[refs.length - 1]!) ? unkept : 0);
    }
    return n;
  };
  const reported: FindingInput[] = [];
  const ctx: RuleContext = {
    bundle,
    now,
    hits(patternIndex) {
      const lists = indexes(patternIndex).map(hitsOf);
      if (lists.length === 1) return [...lists[0]!];
      const merged = lists.flat();
      sortByLine(merged);
      return merged;
    },
    hitCount(patternIndex) {
      return indexes(patternIndex).reduce((n, i) => n + countOf(i), 0);
    },
    report(finding) {
      reported.push(finding);
    },
    otherFindings,
  };
  rule.check(ctx);
  const meta = rule.meta;
  let remediation: string | undefined;
  return reported.map((input): Finding => {
    if (input.remediation === undefined && remediation === undefined) {
      remediation = isTemplate(meta.remediation)
        ? compileTemplate(meta.remediation)({ versions: bundle.versions, veleroNamespace: bundle.veleroNamespace }).trim()
        : meta.remediation.trim();
    }
    const finding: Finding = {
      ruleId: meta.id,
      severity: input.severity ?? meta.severity,
      category: meta.category,
      title: meta.title,
      message: input.message,
      resources: input.resources ?? [],
      evidence: input.evidence ?? [],
      count: input.count ?? Math.max(1, input.evidence?.length ?? 0),
      remediation: input.remediation ?? remediation!,
      docs: [...meta.docs],
    };
    if (input.severityReason && finding.severity !== meta.severity) finding.severityReason = input.severityReason;
    if (input.explainedBy) causesChosenByRule.set(finding, [...input.explainedBy]);
    return finding;
  });
}

/**
 * A symptom whose root cause fired too says so, and sorts after it. A rule's `explainedBy` says which
 * rules may explain it; a root-cause finding explains a symptom finding when their resources are
 * related (relations.ts), or when the cause is cluster-wide.
 */
function explainSymptoms(rules: LoadedRule[], findingsByRule: Map<string, Finding[]>, relations: Relations): void {
  const titles = new Map(rules.map((r) => [r.meta.id, r.meta.title]));
  for (const rule of rules) {
    const candidates = (rule.meta.explainedBy ?? []).filter((id) => id !== rule.meta.id && (findingsByRule.get(id)?.length ?? 0) > 0);
    for (const finding of findingsByRule.get(rule.meta.id) ?? []) {
      const chosen = causesChosenByRule.get(finding);
      const causes = chosen
        ? chosen.filter((id) => id !== rule.meta.id && titles.has(id))
        : candidates.filter((id) => findingsByRule.get(id)!.some((cause) => relations.explains(cause.resources, finding.resources)));
      if (causes.length === 0) continue;
      const because = causes.map((id) => `${id} (${titles.get(id)})`).join(', ');
      finding.explainedBy = causes;
      finding.message = `${finding.message.replace(/\s+$/, '')}${/[.!?]$/.test(finding.message.trim()) ? '' : '.'} Likely caused by: ${because}.`;
    }
  }
}

function ignoreMatches(ignore: Ignore, ref: ObjectRef): boolean {
  const r = ignore.resource;
  if (!r) return true;
  return (r.kind === undefined || r.kind === ref.kind) && (r.namespace === undefined || r.namespace === ref.namespace) && (r.name === undefined || r.name === ref.name);
}

/**
 * Drops ignored findings: an ignore without a resource drops every finding of its rule; with one, it
 * removes that resource, and the finding goes when none is left. Expired ignores no longer apply and
 * are reported under `problems`, as are ignores naming an unknown rule.
 */
function applyIgnores(findingsByRule: Map<string, Finding[]>, rules: LoadedRule[], bundle: Bundle, options: EvaluateOptions): void {
  const ignores = options.config?.ignores ?? [];
  if (ignores.length === 0) return;
  const source = options.config?.file ?? 'config';
  const today = (options.today ?? new Date()).getTime();
  const known = new Set(rules.map((r) => r.meta.id));
  const active: Ignore[] = [];
  for (const ignore of ignores) {
    if (!known.has(ignore.rule)) {
      bundle.problems.push({ source, message: `ignore for unknown rule "${ignore.rule}" has no effect` });
      continue;
    }
    if (ignore.expires && expiryOf(ignore.expires) <= today) {
      bundle.problems.push({ source, message: `ignore for rule "${ignore.rule}" expired on ${ignore.expires} and no longer applies (${ignore.reason})` });
      continue;
    }
    active.push(ignore);
  }
  for (const [ruleId, findings] of findingsByRule) {
    const mine = active.filter((i) => i.rule === ruleId);
    if (mine.length === 0) continue;
    const kept: Finding[] = [];
    for (const finding of findings) {
      if (mine.some((i) => !i.resource)) {
        continue;
      }
      const remaining = finding.resources.filter((ref) => !mine.some((i) => ignoreMatches(i, ref)));
      if (finding.resources.length > 0 && remaining.length === 0) {
        continue;
      }
      kept.push(remaining.length === finding.resources.length ? finding : { ...finding, resources: remaining });
    }
    findingsByRule.set(ruleId, kept);
  }
}

/** A date alone (`2026-12-31`) expires at the end of that day (UTC); a full timestamp at that moment. */
function expiryOf(expires: string): number {
  const t = Date.parse(expires);
  return /^\d{4}-\d\d-\d\d$/.test(expires.trim()) ? t + 86400e3 : t;
}
