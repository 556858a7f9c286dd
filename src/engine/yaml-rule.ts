// Turns one validated YAML rule into a RuleDefinition: compiled patterns, queries, conditions and templates.
import type { Severity } from '../constants.js';
import { severityRank } from '../constants.js';
import { parseLogLine, type ParsedLogLine } from '../logs/line.js';
import type { Bundle, LogFile } from '../model/bundle.js';
import { refKey, refOf, type KubeObject, type ObjectRef } from '../model/kube.js';
import type { Evidence } from '../engine/types.js';
import { compileCondition, type Condition, type ConditionSpec } from './conditions.js';
import { dedupeRefs, resourcesOfLine } from './correlate.js';
import { FieldError } from './field-error.js';
import { compilePattern } from './patterns.js';
import { candidatesOf, compileQuery, parsePath, resolvePath, runQuery, type CompiledQuery, type MatcherSpec, type PathSegment, type Scalar } from './query.js';
import { checkTemplate, compileTemplate, type Template } from './templates.js';
import type { LogHitRef, LogPatternSpec, RuleDefinition, RuleMeta } from './types.js';

/** A rule file as the schema describes it. */
export interface YamlRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  category: RuleMeta['category'];
  summary: string;
  description: string;
  remediation: string;
  docs: string[];
  explainedBy?: string[];
  when?: ConditionSpec;
  match: {
    logs?: LogPatternSpec[];
    objects?: { kind: string; where?: Record<string, Scalar | MatcherSpec>; message?: string; severity?: Severity; severityReason?: string }[];
  };
  group?: string;
  message: string;
  evidence?: string[];
}

/** Evidence lines and objects shown per finding. */
export const MAX_EVIDENCE = 5;


interface Variant {
  message?: Template;
  severity?: Severity;
  /** Why this variant's severity differs from the rule's (object variants). */
  severityReason?: Template;
}

interface ObjectSource extends Variant {
  query: CompiledQuery;
  /** Paths shown as evidence: the rule's `evidence`, or the paths this query tests. */
  evidence: { path: string; segments: PathSegment[] }[];
}

type Hit =
  | { type: 'object'; object: KubeObject; captures: Record<string, string>; variant: Variant; resources: ObjectRef[]; evidence: ObjectSource['evidence'] }
  | { type: 'log'; ref: LogHitRef; line: ParsedLogLine; variant: Variant; resources: ObjectRef[] };

function template(source: string, field: string, check: boolean): Template {
  try {
    if (check) checkTemplate(source);
    return compileTemplate(source);
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    throw new FieldError(field, `invalid template: ${[lines[0], lines.at(-1)].filter((l, i, a) => l && a.indexOf(l) === i).join(' ')}`);
  }
}

/**
 * Names the template context already gives (docs/rule-authoring.md "Templates") and the helpers: a capture
 * of one of these names would shadow it or be shadowed, depending on the hit. `backup`, `restore` and
 * `location` are captures by design (they name resources).
 */
export const RESERVED_CAPTURES: ReadonlySet<string> = new Set([
  'count', 'names', 'versions', 'veleroNamespace', 'object', 'kind', 'name', 'namespace', 'groups', 'line', 'file',
  'lookup', 'default', 'truncate', 'unescape', 'shortName', 'replace', 'eq', 'or', 'plural', 'times', 'ago', 'after', 'now', 'if', 'unless', 'each', 'with', 'log',
]);

/** Named groups of a regex source (`(?<name>`), escaped parentheses and lookbehinds aside. */
export function captureNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/(\\*)\(\?<([A-Za-z_$][\w$]*)>/g)) if (m[1]!.length % 2 === 0) names.push(m[2]!);
  return names;
}

function checkCaptures(source: string, field: string): void {
  const reserved = captureNames(source).find((n) => RESERVED_CAPTURES.has(n));
  if (reserved !== undefined) {
    throw new FieldError(field, `capture name "${reserved}" is reserved (a template name or helper); rename the group`);
  }
}

export interface CompileOptions {
  /**
   * The spec passed every check when the catalog was compiled at build time: what the rule needs to run
   * is compiled when it first runs, and its templates when they first render.
   */
  checked?: boolean;
}

/** What a rule runs with: its condition, sources, variants and templates, compiled. */
interface CompiledBody {
  when: Condition | undefined;
  logVariants: Variant[];
  objectSources: ObjectSource[];
  message: Template;
  remediation: Template;
  group: Template | undefined;
}

/** Compiles a schema-checked spec; throws FieldError naming the field (at once, unless `checked`). */
export function compileYamlRule(spec: YamlRuleSpec, options: CompileOptions = {}): RuleDefinition {
  const logSpecs = spec.match.logs ?? [];
  let compiled: CompiledBody | undefined = options.checked ? undefined : compileBody(spec, true);
  const meta: RuleMeta = {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    category: spec.category,
    summary: spec.summary,
    description: spec.description,
    remediation: spec.remediation,
    docs: spec.docs,
  };
  if (spec.explainedBy) meta.explainedBy = spec.explainedBy;
  const variants = logSpecs.filter((p) => p.velero && p.message).map((p) => ({ range: p.velero!, text: p.message! }));
  if (variants.length > 0) meta.variants = variants;

  const rule: RuleDefinition = {
    meta,
    check(ctx) {
      const { when, logVariants, objectSources, message, remediation, group } = (compiled ??= compileBody(spec, false));
      if (when && !when(ctx.bundle, ctx.now)) return;
      const hits: Hit[] = [];
      for (const source of objectSources) {
        for (const match of runQuery(source.query, candidatesOf(source.query, ctx.bundle.objects.list(source.query.kind)), ctx.now)) {
          hits.push({ type: 'object', ...match, variant: source, resources: [refOf(match.object)], evidence: source.evidence });
        }
      }
      const objectKeys = new Set(hits.map((h) => refKey(h.resources[0]!)));
      const dropped: { count: number; last?: Hit }[] = logVariants.map(() => ({ count: 0 }));
      logVariants.forEach((variant, i) => {
        const refs = ctx.hits(i);
        dropped[i]!.count = ctx.hitCount(i) - refs.length;
        for (const ref of refs) {
          const line = parseLogLine(ref.hit.text);
          const hit: Hit = { type: 'log', ref, line, variant, resources: resourcesOfLine(ref.file, line, ctx.bundle, ref.hit.groups) };
          hits.push(hit);
          dropped[i]!.last = hit;
        }
      });
      if (hits.length === 0) return;

      // Group: by the `group` template, else one group per object, with log lines joining the object they name.
      const groups = new Map<string, { hits: Hit[]; extra: number }>();
      const groupOf = new Map<Hit, string>();
      for (const hit of hits) {
        let key: string;
        if (group) key = group(contextOf(hit, ctx.bundle, 1, hit.resources));
        else if (hit.type === 'object') key = refKey(hit.resources[0]!);
        else key = hit.resources.map(refKey).find((k) => objectKeys.has(k)) ?? '\0logs';
        let entry = groups.get(key);
        if (!entry) groups.set(key, (entry = { hits: [], extra: 0 }));
        entry.hits.push(hit);
        groupOf.set(hit, key);
      }
      // Lines counted but not kept in memory count toward the group of the pattern's last kept line.
      for (const d of dropped) if (d.count > 0 && d.last) groups.get(groupOf.get(d.last)!)!.extra += d.count;

      for (const { hits: members, extra } of groups.values()) {
        const first = members[0]!;
        const resources = dedupeRefs(members.flatMap((h) => h.resources));
        const count = members.length + extra;
        // A finding about an object (its first hit) speaks with that object's variant; lines and other
        // objects that joined it do not change what it is about.
        const lead = first.type === 'object' && first.variant.message ? first : leadOf(members, spec.severity);
        // The object (when there is one) gives `object`; the chosen variant's hit its line and captures.
        const base = first.type === 'object' ? first : lead;
        const context = contextOf(base, ctx.bundle, count, resources);
        context.now = ctx.now.toISOString();
        // Captures, and a log line, of every member: an object finding joined by log lines can say
        // `{{reason}}` from them.
        const logHit = lead.type === 'log' ? lead : members.find((h) => h.type === 'log');
        if (logHit?.type === 'log' && base.type === 'object') Object.assign(context, { line: logHit.line, file: fileContext(logHit.ref.file) });
        const captures = Object.assign({}, ...members.map(groupsOf).reverse(), groupsOf(first), groupsOf(lead)) as Record<string, string>;
        Object.assign(context, { ...captures, ...context, groups: captures });
        const severity = members
          .map((h) => h.variant.severity ?? spec.severity)
          .reduce((a, b) => (severityRank(b) < severityRank(a) ? b : a));
        const variantMessage = lead.variant.message;
        const reasoned = members.find((h) => h.variant.severityReason && (h.variant.severity ?? spec.severity) === severity);
        const severityReason = reasoned?.variant.severityReason?.(context).replace(/\s*\n\s*/g, ' ').trim();
        ctx.report({
          // One line: values such as `error` carry Go's `\n\t` continuation lines.
          message: (variantMessage ?? message)(context).replace(/\s*\n\s*/g, ' ').trim(),
          severity,
          resources,
          evidence: members.slice(0, MAX_EVIDENCE).map((h) => evidenceOf(h, ctx.bundle)),
          count,
          remediation: remediation(context).trim(),
          ...(severityReason ? { severityReason } : {}),
        });
      }
    },
  };
  if (logSpecs.length > 0) rule.logPatterns = logSpecs;
  return rule;
}

/** Compiles what a rule runs with; `check` makes the checks the build made for a compiled catalog. */
function compileBody(spec: YamlRuleSpec, check: boolean): CompiledBody {
  const when: Condition | undefined = spec.when ? compileCondition(spec.when, 'when') : undefined;
  const logSpecs = spec.match.logs ?? [];
  const logVariants: Variant[] = logSpecs.map((p, i) => {
    if (check) {
      checkCaptures(p.regex, `match.logs[${i}].regex`);
      try {
        compilePattern(spec.id, i, p);
      } catch (error) {
        if (error instanceof FieldError) throw error.under(`match.logs[${i}]`);
        throw error;
      }
    }
    const variant: Variant = {};
    if (p.message) variant.message = template(p.message, `match.logs[${i}].message`, check);
    if (p.severity) variant.severity = p.severity;
    return variant;
  });
  const evidencePaths = (spec.evidence ?? []).map((path, i) => {
    try {
      return { path, segments: parsePath(path) };
    } catch (error) {
      throw new FieldError(`evidence[${i}]`, (error as Error).message);
    }
  });
  const objectSources: ObjectSource[] = (spec.match.objects ?? []).map((q, i) => {
    for (const [path, value] of Object.entries(q.where ?? {})) {
      if (check && value !== null && typeof value === 'object' && value.matches !== undefined) {
        checkCaptures(value.matches, `match.objects[${i}].where${/^[\w.]+$/.test(path) ? `.${path}` : `[${JSON.stringify(path)}]`}.matches`);
      }
    }
    let query: CompiledQuery;
    try {
      query = compileQuery(q.kind, q.where);
    } catch (error) {
      if (error instanceof FieldError) throw error.under(`match.objects[${i}]`);
      throw error;
    }
    const source: ObjectSource = {
      query,
      evidence: evidencePaths.length > 0 ? evidencePaths : query.conditions.map((c) => ({ path: c.path, segments: c.segments })),
    };
    if (q.message) source.message = template(q.message, `match.objects[${i}].message`, check);
    if (q.severity) source.severity = q.severity;
    if (q.severityReason) source.severityReason = template(q.severityReason, `match.objects[${i}].severityReason`, check);
    return source;
  });
  const message = template(spec.message, 'message', check);
  const remediation = template(spec.remediation, 'remediation', check);
  const group = spec.group ? template(spec.group, 'group', check) : undefined;
  return { when, logVariants, objectSources, message, remediation, group };
}

/**
 * The hit whose variant speaks for a finding whose hits come from several patterns: among the variants
 * with a message, the most severe, then the one with most hits, then the first seen; its first hit.
 * Without any variant message, the first hit.
 */
export function leadOf<H extends { variant: { message?: unknown; severity?: Severity } }>(members: H[], defaultSeverity: Severity): H {
  const tally = new Map<H['variant'], { first: H; n: number; order: number }>();
  for (const hit of members) {
    if (!hit.variant.message) continue;
    const entry = tally.get(hit.variant);
    if (entry) entry.n++;
    else tally.set(hit.variant, { first: hit, n: 1, order: tally.size });
  }
  let best: { first: H; n: number; order: number; rank: number } | undefined;
  for (const [variant, entry] of tally) {
    const rank = severityRank(variant.severity ?? defaultSeverity);
    if (!best || rank < best.rank || (rank === best.rank && (entry.n > best.n || (entry.n === best.n && entry.order < best.order)))) best = { ...entry, rank };
  }
  return best?.first ?? members[0]!;
}



function fileContext(file: LogFile): Record<string, unknown> {
  return {
    path: file.path,
    component: file.component,
    namespace: file.namespace,
    pod: file.pod,
    container: file.container,
    previous: file.previous,
    owner: file.owner,
  };
}

/** The template context of a finding, from its first hit (docs/rule-authoring.md "Templates"). */
function contextOf(hit: Hit, bundle: Bundle, count: number, resources: ObjectRef[]): Record<string, unknown> {
  const base: Record<string, unknown> = {
    count,
    names: [...new Set(resources.map((r) => r.name))].join(', '),
    versions: bundle.versions,
    veleroNamespace: bundle.veleroNamespace,
  };
  const first = resources[0];
  if (hit.type === 'object') {
    const { object } = hit;
    return {
      ...base,
      object,
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      groups: hit.captures,
      ...hit.captures,
    };
  }
  return {
    ...base,
    kind: first?.kind,
    name: first?.name,
    namespace: first?.namespace,
    line: hit.line,
    file: fileContext(hit.ref.file),
    groups: hit.ref.hit.groups,
    ...hit.ref.hit.groups,
  };
}

function groupsOf(hit: Hit): Record<string, string> {
  return hit.type === 'object' ? hit.captures : hit.ref.hit.groups;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function evidenceOf(hit: Hit, bundle: Bundle): Evidence {
  if (hit.type === 'log') return { file: hit.ref.file.path, line: hit.ref.hit.line, text: hit.ref.hit.text };
  const { object } = hit;
  const ref = refOf(object);
  const header = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  const lines = hit.evidence.map(({ path, segments }) => {
    const values = resolvePath(object, segments);
    return `${path}: ${values.length === 0 ? '(none)' : values.map(show).join(', ')}`;
  });
  return { file: bundle.sourceOf(object) ?? header, text: [header, ...lines].join('\n') };
}
