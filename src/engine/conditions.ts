// `when` conditions: versions, plugins, object existence, logs read, and all / any / not, compiled once.
import type { Bundle, LogComponent } from '../model/bundle.js';
import { anyMatch, compileQuery, type CompiledQuery, type MatcherSpec, type Scalar } from './query.js';
import { checkRange, versionSatisfies } from './versions.js';
import { FieldError } from './field-error.js';

export interface ConditionSpec {
  velero?: string;
  kubernetes?: string;
  kots?: string;
  nodeAgent?: string;
  plugin?: { name: string; version?: string };
  exists?: { kind: string; where?: Record<string, Scalar | MatcherSpec> };
  absent?: { kind: string; where?: Record<string, Scalar | MatcherSpec> };
  logs?: LogComponent | LogComponent[];
  all?: ConditionSpec[];
  any?: ConditionSpec[];
  not?: ConditionSpec;
}

export type Condition = (bundle: Bundle, now: Date) => boolean;


const VERSION_KEYS = ['velero', 'kubernetes', 'kots', 'nodeAgent'] as const;

/** Compiles a condition map (every entry must hold); `field` is its path in the rule file, for errors. */
export function compileCondition(spec: ConditionSpec, field: string): Condition {
  const parts: Condition[] = [];
  for (const key of VERSION_KEYS) {
    const range = spec[key];
    if (range === undefined) continue;
    const problem = checkRange(range);
    if (problem) throw new FieldError(`${field}.${key}`, problem);
    parts.push((bundle) => versionSatisfies(bundle.versions[key], range));
  }
  if (spec.plugin) {
    const { name, version } = spec.plugin;
    if (version !== undefined) {
      const problem = checkRange(version);
      if (problem) throw new FieldError(`${field}.plugin.version`, problem);
    }
    parts.push((bundle) =>
      bundle.versions.plugins.some(
        (p) => p.name === name && (version === undefined || version === '*' || versionSatisfies(p.version, version)),
      ),
    );
  }
  for (const key of ['exists', 'absent'] as const) {
    const q = spec[key];
    if (!q) continue;
    let query: CompiledQuery;
    try {
      query = compileQuery(q.kind, q.where);
    } catch (error) {
      const sub = (error as { field?: string }).field;
      throw new FieldError(`${field}.${key}${sub ? `.${sub}` : ''}`, (error as Error).message);
    }
    const wanted = key === 'exists';
    parts.push((bundle, now) => anyMatch(query, bundle.objects.list(query.kind), now) === wanted);
  }
  if (spec.logs !== undefined) {
    const components = new Set(Array.isArray(spec.logs) ? spec.logs : [spec.logs]);
    parts.push((bundle) => bundle.logs.some((l) => components.has(l.component)));
  }
  if (spec.all) {
    const all = spec.all.map((s, i) => compileCondition(s, `${field}.all[${i}]`));
    parts.push((bundle, now) => all.every((c) => c(bundle, now)));
  }
  if (spec.any) {
    const any = spec.any.map((s, i) => compileCondition(s, `${field}.any[${i}]`));
    parts.push((bundle, now) => any.some((c) => c(bundle, now)));
  }
  if (spec.not) {
    const not = compileCondition(spec.not, `${field}.not`);
    parts.push((bundle, now) => !not(bundle, now));
  }
  return (bundle, now) => parts.every((p) => p(bundle, now));
}
