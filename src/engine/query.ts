// Object queries: field paths (`a.b["c/d"][0]`), matchers, and the durations `olderThan` / `newerThan` take.
import type { KubeObject } from '../model/kube.js';
import { FieldError } from './field-error.js';

export type PathSegment = string | number;

/** Parses `status.phase`, `metadata.labels["velero.io/schedule-name"]`, `spec.hooks.resources[0].name`. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid path "${path}": ${why}`);
  };
  while (i < path.length) {
    if (path[i] === '[') {
      const quote = path[i + 1];
      if (quote === '"' || quote === "'") {
        const close = path.indexOf(`${quote}]`, i + 2);
        if (close < 0) fail('unclosed [" "]');
        segments.push(path.slice(i + 2, close));
        i = close + 2;
      } else {
        const close = path.indexOf(']', i);
        if (close < 0) fail('unclosed [ ]');
        const index = path.slice(i + 1, close);
        if (!/^\d+$/.test(index)) fail(`"[${index}]" is neither a quoted key nor an index`);
        segments.push(Number(index));
        i = close + 1;
      }
      if (path[i] === '.') i++;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
    if (end === i) fail('empty segment');
    segments.push(path.slice(i, end));
    i = end;
    if (path[i] === '.') {
      i++;
      if (i >= path.length) fail('ends with "."');
    }
  }
  if (segments.length === 0) fail('empty');
  return segments;
}

/**
 * Every value the path reaches. A path through an array reaches into each element (so that a condition
 * "holds when any element does"); the value at the end of the path is returned as is, arrays included.
 */
export function resolvePath(root: unknown, segments: PathSegment[]): unknown[] {
  // Fast path (objects all the way down, the common case): no intermediate arrays.
  let value: unknown = root;
  let i = 0;
  for (; i < segments.length; i++) {
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || (Array.isArray(value) && typeof segments[i] === 'string')) break;
    if (!Object.hasOwn(value, segments[i]!)) return [];
    value = (value as Record<string | number, unknown>)[segments[i]!];
  }
  if (i === segments.length) return value === null || value === undefined ? [] : [value];
  if (typeof value !== 'object') return [];
  let values: unknown[] = [value];
  for (; i < segments.length; i++) {
    const segment = segments[i]!;
    const next: unknown[] = [];
    for (const v of values) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v) && typeof segment === 'string') {
        for (const element of v) {
          if (element !== null && typeof element === 'object' && Object.hasOwn(element, segment)) {
            next.push((element as Record<string, unknown>)[segment]);
          }
        }
      } else if (typeof v === 'object' && Object.hasOwn(v, segment)) {
        next.push((v as Record<string | number, unknown>)[segment]);
      }
    }
    values = next.filter((v) => v !== undefined && v !== null);
  }
  return values;
}

/** `90m`, `24h`, `7d`, `2w`, `30s`, `1h30m` → milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let total = 0;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * unit[m[2]!]!;
    i = re.lastIndex;
  }
  return i > 0 ? total : undefined;
}

export const MATCHER_NAMES = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'matches',
  'notMatches',
  'flags',
  'exists',
  'empty',
  'gt',
  'gte',
  'lt',
  'lte',
  'olderThan',
  'newerThan',
  'contains',
] as const;

export type Scalar = string | number | boolean | null;

export interface MatcherSpec {
  equals?: Scalar;
  notEquals?: Scalar;
  in?: Scalar[];
  notIn?: Scalar[];
  matches?: string;
  notMatches?: string;
  /** Flags of `matches` and `notMatches`. */
  flags?: string;
  exists?: boolean;
  empty?: boolean;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  olderThan?: string;
  newerThan?: string;
  contains?: Scalar;
}

/** A `where` entry compiled once: its path, its checks, and the regex for `matches`. */
export interface CompiledCondition {
  path: string;
  segments: PathSegment[];
  spec: MatcherSpec;
  regex?: RegExp;
  notRegex?: RegExp;
  olderThanMs?: number;
  newerThanMs?: number;
  /** Whether a missing field fails the condition (any matcher but exists/empty/equals null/not*). */
  needsValue: boolean;
  /** Cheap tests first: 0 for plain comparisons, 1 for regexes and dates. */
  cost: number;
}

/** Compiles one `where` entry; throws a message naming the problem (the caller adds the field). */
export function compileCondition(path: string, value: Scalar | MatcherSpec): CompiledCondition {
  const spec: MatcherSpec = value !== null && typeof value === 'object' ? value : { equals: value };
  const needsValue =
    (spec.equals !== undefined && spec.equals !== null) ||
    spec.in !== undefined ||
    spec.matches !== undefined ||
    spec.contains !== undefined ||
    [spec.gt, spec.gte, spec.lt, spec.lte, spec.olderThan, spec.newerThan].some((x) => x !== undefined) ||
    spec.exists === true;
  const cost = spec.matches !== undefined || spec.notMatches !== undefined || spec.olderThan !== undefined || spec.newerThan !== undefined ? 1 : 0;
  const compiled: CompiledCondition = { path, segments: parsePath(path), spec, needsValue, cost };
  for (const key of ['matches', 'notMatches'] as const) {
    const source = spec[key];
    if (source === undefined) continue;
    try {
      compiled[key === 'matches' ? 'regex' : 'notRegex'] = new RegExp(source, spec.flags);
    } catch (error) {
      throw new Error(`${key}: invalid regular expression: ${(error as Error).message}`, { cause: error });
    }
  }
  for (const key of ['in', 'notIn'] as const) {
    // A missing field never satisfies `in` and always satisfies `notIn`; a null in the list would read
    // as "or missing" and do the opposite, so it is refused (say `exists: false`).
    if (spec[key]?.includes(null)) throw new Error(`${key}: null in the list never matches a missing field; use \`exists: false\``);
  }
  for (const key of ['olderThan', 'newerThan'] as const) {
    const text = spec[key];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined) throw new Error(`${key}: invalid duration "${text}" (expected e.g. 90m, 24h, 7d)`);
    compiled[key === 'olderThan' ? 'olderThanMs' : 'newerThanMs'] = ms;
  }
  return compiled;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

const same = (a: unknown, b: Scalar) => (b === null ? a === null || a === undefined : String(a) === String(b));

/** Tests one compiled condition on an object; named groups of a `matches` regex go into `captures`. */
export function testCondition(cond: CompiledCondition, obj: KubeObject, now: Date, captures: Record<string, string>): boolean {
  const values = resolvePath(obj, cond.segments);
  const spec = cond.spec;
  // Hot path (each query runs over every object of its kind): a missing field fails every matcher
  // that needs a value, without building anything.
  if (values.length === 0 && cond.needsValue) return false;
  // Scalars to compare: the values, with final arrays opened so that `matches` holds when an element does.
  const scalars = values.length === 1 && !Array.isArray(values[0]) ? values : values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (spec.exists !== undefined && spec.exists !== values.length > 0) return false;
  if (spec.empty !== undefined && spec.empty !== values.every(isEmptyValue)) return false;
  if (spec.equals !== undefined && !(spec.equals === null ? values.length === 0 : scalars.some((v) => same(v, spec.equals!)))) return false;
  if (spec.notEquals !== undefined && scalars.some((v) => same(v, spec.notEquals!))) return false;
  // A missing field (or an empty array) has no value: `in` fails, `notIn` holds.
  if (spec.in !== undefined && !scalars.some((v) => spec.in!.some((x) => same(v, x)))) return false;
  if (spec.notIn !== undefined && scalars.some((v) => spec.notIn!.some((x) => same(v, x)))) return false;
  if (spec.contains !== undefined && !values.some((v) => Array.isArray(v) && v.some((x) => same(x, spec.contains!)))) return false;
  if (spec.gt !== undefined || spec.gte !== undefined || spec.lt !== undefined || spec.lte !== undefined) {
    const numbers = scalars.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN));
    const numeric = (test: (n: number) => boolean) => numbers.some((n) => Number.isFinite(n) && test(n));
    if (spec.gt !== undefined && !numeric((n) => n > spec.gt!)) return false;
    if (spec.gte !== undefined && !numeric((n) => n >= spec.gte!)) return false;
    if (spec.lt !== undefined && !numeric((n) => n < spec.lt!)) return false;
    if (spec.lte !== undefined && !numeric((n) => n <= spec.lte!)) return false;
  }
  if (cond.olderThanMs !== undefined || cond.newerThanMs !== undefined) {
    const times = scalars.map((v) => Date.parse(String(v))).filter(Number.isFinite);
    const age = (t: number) => now.getTime() - t;
    if (cond.olderThanMs !== undefined && !times.some((t) => age(t) > cond.olderThanMs!)) return false;
    if (cond.newerThanMs !== undefined && !times.some((t) => age(t) < cond.newerThanMs!)) return false;
  }
  if (cond.notRegex) {
    const re = cond.notRegex;
    if (scalars.some((v) => typeof v !== 'object' && re.test(String(v)))) return false;
  }
  if (cond.regex) {
    let matched = false;
    for (const v of scalars) {
      if (typeof v === 'object') continue;
      const m = cond.regex.exec(String(v));
      if (m) {
        if (m.groups) for (const [k, g] of Object.entries(m.groups)) if (g !== undefined) captures[k] = g;
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

/** A compiled object query: a kind and its `where` conditions. */
export interface CompiledQuery {
  kind: string;
  /** In the rule's order (evidence shows them so). */
  conditions: CompiledCondition[];
  /** The same, cheap ones first (the order they are tested in). */
  tests: CompiledCondition[];
}

export function compileQuery(kind: string, where: Record<string, Scalar | MatcherSpec> | undefined): CompiledQuery {
  const conditions: CompiledCondition[] = [];
  for (const [path, value] of Object.entries(where ?? {})) {
    try {
      conditions.push(compileCondition(path, value));
    } catch (error) {
      throw new FieldError(`where.${path}`, (error as Error).message);
    }
  }
  // A stable sort: regexes keep their relative order, so captures do too.
  return { kind, conditions, tests: [...conditions].sort((a, b) => a.cost - b.cost) };
}


export interface ObjectMatch {
  object: KubeObject;
  captures: Record<string, string>;
}

/** Cheap conditions write no captures (only `matches` does, and it costs 1). */
const NO_CAPTURES: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function runQuery(query: CompiledQuery, objects: Iterable<KubeObject>, now: Date): ObjectMatch[] {
  const matches: ObjectMatch[] = [];
  const tests = query.tests;
  // Hot path: a plain loop, and a captures object only for objects that pass the cheap tests.
  outer: for (const object of objects) {
    let captures: Record<string, string> | undefined;
    for (const c of tests) {
      if (c.cost > 0) captures ??= {};
      if (!testCondition(c, object, now, captures ?? NO_CAPTURES)) continue outer;
    }
    matches.push({ object, captures: captures ?? {} });
  }
  return matches;
}

/** Whether any object matches: stops at the first (a `when: exists` / `absent` over thousands of backups). */
export function anyMatch(query: CompiledQuery, objects: Iterable<KubeObject>, now: Date): boolean {
  const captures: Record<string, string> = {};
  for (const object of objects) if (query.tests.every((c) => testCondition(c, object, now, captures))) return true;
  return false;
}

/**
 * Per object list (ObjectIndex.list returns the same array per kind while the bundle lives): path →
 * value → objects, for queries that test a plain equality (`status.phase: Failed`): without it, every
 * rule querying Backup walked all of them, which showed with thousands of backups; the index is built once per path.
 * `null` marks a path that reaches arrays or several values somewhere (the index would miss them).
 */
const equalityIndexes = new WeakMap<readonly KubeObject[], { length: number; byPath: Map<string, Map<string, KubeObject[]> | null> }>();

/** The objects a query needs to test: those whose value equals its first plain-equality condition, else all. */
export function candidatesOf(query: CompiledQuery, objects: readonly KubeObject[]): readonly KubeObject[] {
  if (objects.length < 64) return objects;
  const cond = query.tests.find((c) => Object.keys(c.spec).length === 1 && c.spec.equals !== undefined && c.spec.equals !== null);
  if (!cond) return objects;
  let cached = equalityIndexes.get(objects);
  // A list that grew since (objects added after a query) is indexed afresh.
  if (!cached || cached.length !== objects.length) equalityIndexes.set(objects, (cached = { length: objects.length, byPath: new Map() }));
  const byPath = cached.byPath;
  let index = byPath.get(cond.path);
  if (index === undefined) {
    index = new Map();
    for (const object of objects) {
      const values = resolvePath(object, cond.segments);
      if (values.length === 0) continue;
      const v = values[0];
      if (values.length > 1 || v === null || typeof v === 'object') {
        index = null;
        break;
      }
      const k = String(v);
      const list = index.get(k);
      if (list) list.push(object);
      else index.set(k, [object]);
    }
    byPath.set(cond.path, index);
  }
  if (index === null) return objects;
  return index.get(String(cond.spec.equals)) ?? [];
}
