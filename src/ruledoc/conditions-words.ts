// What a rule's conditions say, in words: version ranges, object queries (`where`), `when` conditions and log patterns.
import type { ConditionSpec } from '../engine/conditions.js';
import type { MatcherSpec, Scalar } from '../engine/query.js';
import type { LogPatternSpec } from '../engine/types.js';

interface Version {
  major: number;
  minor: number;
  patch: number;
}

function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

/** `1.9.0` → `1.9`; `1.13.1` stays. */
function short(v: Version): string {
  return v.patch === 0 ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
}

/** The last version before `v` a person would name: `<1.17.0` → `1.16`, `<1.12.2` → `1.12.1`. */
function before(v: Version): string | undefined {
  if (v.patch > 0) return `${v.major}.${v.minor}.${v.patch - 1}`;
  if (v.minor > 0) return `${v.major}.${v.minor - 1}`;
  return undefined;
}

/** One comparator set (`>=1.12.0 <1.17.0`) in words, without the product's name. */
function comparatorsInWords(set: string): string | undefined {
  let lower: Version | undefined;
  let upper: Version | undefined;
  for (const part of set.trim().split(/\s+/)) {
    const m = /^(>=|<)(.+)$/.exec(part);
    const v = m ? parseVersion(m[2]!) : undefined;
    if (!m || !v) return undefined;
    if (m[1] === '>=') lower = v;
    else upper = v;
  }
  if (lower && upper) {
    if (upper.major === lower.major && upper.minor === lower.minor && upper.patch === lower.patch + 1) return `${lower.major}.${lower.minor}.${lower.patch}`;
    const last = before(upper);
    return last ? `${short(lower)} to ${last}` : undefined;
  }
  if (lower) return `${short(lower)} or later`;
  if (upper) return `before ${short(upper)}`;
  return undefined;
}

/** `>=1.12.0 <1.17.0` → `Velero 1.12 to 1.16`; `<1.13.0 || >=1.13.1` → `Velero before 1.13, or 1.13.1 or later`. A range it cannot word stays as written. */
export function rangeInWords(range: string, product = 'Velero'): string {
  const sets = range.split('||').map(comparatorsInWords);
  if (sets.some((s) => s === undefined)) return `${product} ${range.trim()}`;
  return `${product} ${sets.join(', or ')}`;
}

/** `7d` → `7 days`. */
function durationInWords(text: string): string {
  const m = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!m) return text;
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return `${m[1]} ${unit}${m[1] === '1' ? '' : 's'}`;
}

function scalar(value: Scalar): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One `where` entry in words: `status.phase is Failed`, `status.completionTimestamp is older than 7 days`. */
export function whereEntryInWords(path: string, value: Scalar | MatcherSpec): string[] {
  if (value === null || typeof value !== 'object') return [`${path} is ${scalar(value)}`];
  const m = value;
  const out: string[] = [];
  if (m.equals !== undefined) out.push(`${path} is ${scalar(m.equals)}`);
  if (m.notEquals !== undefined) out.push(`${path} is not ${scalar(m.notEquals)}`);
  if (m.in !== undefined) out.push(`${path} is one of ${m.in.map(scalar).join(', ')}`);
  if (m.notIn !== undefined) out.push(`${path} is none of ${m.notIn.map(scalar).join(', ')}`);
  // A regular expression says little to a reader; the finding's message shows what it picked out.
  if (m.matches !== undefined) out.push(`${path} matches the rule's pattern`);
  if (m.notMatches !== undefined) out.push(`${path} does not match the rule's pattern`);
  if (m.exists !== undefined) out.push(`${path} is ${m.exists ? '' : 'not '}set`);
  if (m.empty !== undefined) out.push(`${path} is ${m.empty ? '' : 'not '}empty`);
  if (m.gt !== undefined) out.push(`${path} is more than ${m.gt}`);
  if (m.gte !== undefined) out.push(`${path} is at least ${m.gte}`);
  if (m.lt !== undefined) out.push(`${path} is less than ${m.lt}`);
  if (m.lte !== undefined) out.push(`${path} is at most ${m.lte}`);
  if (m.olderThan !== undefined) out.push(`${path} is more than ${durationInWords(m.olderThan)} old`);
  if (m.newerThan !== undefined) out.push(`${path} is less than ${durationInWords(m.newerThan)} old`);
  if (m.contains !== undefined) out.push(`${path} contains ${scalar(m.contains)}`);
  return out;
}

/** `a, b and c`. */
export function listInWords(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** An object query in words: `a Backup whose status.phase is Failed and …`. */
export function queryInWords(kind: string, where: Record<string, Scalar | MatcherSpec> | undefined): string {
  const entries = Object.entries(where ?? {}).flatMap(([path, value]) => whereEntryInWords(path, value));
  return `${article(kind)} ${kind}${entries.length > 0 ? ` whose ${listInWords(entries)}` : ''}`;
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a';
}

/** The log component of a pattern in words. */
const COMPONENT_WORDS: Record<string, string> = {
  server: 'the Velero server log',
  'node-agent': 'a node-agent log',
  plugin: 'a plugin log',
  'backup-log': 'a backup log',
  'restore-log': 'a restore log',
  describe: 'velero describe output',
  'data-mover': 'a data-mover pod log',
  maintenance: 'a repository maintenance log',
  kotsadm: 'the kotsadm log',
  other: 'another log',
};

/**
 * A log pattern in words: the text its lines hold (its literals, the scan's own prefilter), where it
 * is looked for, and for which Velero: `a line of the Velero server log with "InvalidAccessKeyId", for Velero 1.9 or later`.
 */
export function logPatternInWords(pattern: LogPatternSpec, derivedLiterals?: readonly string[]): string {
  const literals = pattern.literals ?? derivedLiterals ?? [];
  const shown = literals.slice(0, 3).map((l) => `"${l}"`);
  if (literals.length > 3) shown.push('…');
  const where = pattern.components?.length ? listInWords(pattern.components.map((c) => COMPONENT_WORDS[c] ?? c), 'or') : 'any log';
  const levels = pattern.levels?.length ? ` at level ${listInWords(pattern.levels, 'or')}` : '';
  const text = shown.length > 0 ? ` with ${listInWords(shown, 'or')}` : '';
  const version = pattern.velero ? `, for ${rangeInWords(pattern.velero)}` : '';
  return `a line of ${where}${levels}${text}${version}`;
}

/** A rule's `when` in words: `Velero 1.14 or later and the velero-plugin-for-csi plugin is installed`. */
export function conditionInWords(spec: ConditionSpec): string {
  const parts: string[] = [];
  if (spec.velero) parts.push(rangeInWords(spec.velero));
  if (spec.kubernetes) parts.push(rangeInWords(spec.kubernetes, 'Kubernetes'));
  if (spec.kots) parts.push(rangeInWords(spec.kots, 'KOTS'));
  if (spec.nodeAgent) parts.push(rangeInWords(spec.nodeAgent, 'node-agent'));
  if (spec.plugin) parts.push(spec.plugin.version ? rangeInWords(spec.plugin.version, spec.plugin.name) : `the ${spec.plugin.name} plugin is installed`);
  if (spec.exists) parts.push(`there is ${queryInWords(spec.exists.kind, spec.exists.where)}`);
  if (spec.absent) parts.push(`there is no ${queryInWords(spec.absent.kind, spec.absent.where).replace(/^an? /, '')}`);
  if (spec.logs) {
    const components = Array.isArray(spec.logs) ? spec.logs : [spec.logs];
    parts.push(`the input holds ${listInWords(components.map((c) => COMPONENT_WORDS[c] ?? c), 'or')}`);
  }
  if (spec.all) parts.push(...spec.all.map(conditionInWords));
  if (spec.any) parts.push(`either ${listInWords(spec.any.map(conditionInWords), 'or')}`);
  if (spec.not) parts.push(`not (${conditionInWords(spec.not)})`);
  // Parts that say "and" themselves are set apart, so that it stays clear which "and" joins what.
  if (parts.some((p) => p.includes(' and '))) return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join('; ')}; and ${parts[parts.length - 1]}`;
  return listInWords(parts);
}
