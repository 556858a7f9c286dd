// Loads the rule catalog: built-in YAML rules, the TypeScript rules, and vendor rule directories, all validated.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { RuleFileError } from '../errors.js';
import { BUILTIN_TS_RULES } from '../rules/index.js';
import { compilePattern, PatternError, type CompiledPattern } from './patterns.js';
import { PatternScanner, type ScannerOptions } from './scanner.js';
import type { LoadedRule, RuleDefinition } from './types.js';
import { compileYamlRule, RuleSpecError, type YamlRuleSpec } from './yaml-rule.js';
import type { LogScanner } from '../model/bundle.js';

/** The package root, from src/engine (tsx) or dist/engine (built) alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILTIN_RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const RULE_SCHEMA_PATH = join(PACKAGE_ROOT, 'src', 'engine', 'rule.schema.json');

export interface RuleSet {
  rules: LoadedRule[];
  /** Every log pattern of every rule, compiled, in rule order. */
  patterns: CompiledPattern[];
  /** A scanner for the readers; one per analysis (it keeps no state between files). */
  createScanner(options?: ScannerOptions): LogScanner;
}

export interface LoadRulesOptions {
  /** Vendor rule directories (`--rules DIR`), loaded after the built-in catalog. */
  rulesDirs?: string[];
  /** The built-in YAML directory; `false` loads none (tests of one rule file). */
  builtinDir?: string | false;
  /** The TypeScript rules; BUILTIN_TS_RULES by default. */
  tsRules?: readonly RuleDefinition[];
}

let validator: ValidateFunction | undefined;

async function ruleValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const schema = JSON.parse(await readFile(RULE_SCHEMA_PATH, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return validator;
}

export async function loadRules(options: LoadRulesOptions = {}): Promise<RuleSet> {
  const rules: LoadedRule[] = [];
  const seen = new Map<string, string>();
  const add = (rule: LoadedRule, where: string) => {
    const other = seen.get(rule.meta.id);
    if (other !== undefined) throw new RuleFileError(where, `duplicate rule id "${rule.meta.id}" (also defined in ${other})`, 'id');
    seen.set(rule.meta.id, where);
    rules.push(rule);
  };
  const builtinDir = options.builtinDir === undefined ? BUILTIN_RULES_DIR : options.builtinDir;
  if (builtinDir !== false) {
    for (const { rule, where } of await builtinRules(builtinDir)) add(rule, where);
  }
  for (const rule of options.tsRules ?? BUILTIN_TS_RULES) add({ ...rule, origin: 'builtin' }, `src/rules (TypeScript rule ${rule.meta.id})`);
  for (const dir of options.rulesDirs ?? []) {
    for (const file of await yamlFiles(dir, false)) add(await loadRuleFile(file, 'vendor'), displayPath(file));
  }
  const patterns: CompiledPattern[] = [];
  for (const rule of rules) {
    (rule.logPatterns ?? []).forEach((spec, i) => {
      try {
        patterns.push(compilePattern(rule.meta.id, i, spec));
      } catch (error) {
        if (!(error instanceof PatternError)) throw error;
        throw new RuleFileError(rule.file ?? `TypeScript rule ${rule.meta.id}`, error.message, `logPatterns[${i}].${error.field}`);
      }
    });
  }
  return { rules, patterns, createScanner: (scannerOptions) => new PatternScanner(patterns, scannerOptions) };
}

/**
 * The built-in catalog is read and compiled once per process (compiled rules hold no state between
 * runs): a test suite or a server analyzing many inputs does not pay for it again. A failed load is not kept.
 */
const builtinCache = new Map<string, Promise<{ rule: LoadedRule; where: string }[]>>();

function builtinRules(dir: string): Promise<{ rule: LoadedRule; where: string }[]> {
  let cached = builtinCache.get(dir);
  if (!cached) {
    cached = (async () => {
      const loaded: { rule: LoadedRule; where: string }[] = [];
      for (const file of await yamlFiles(dir, true)) loaded.push({ rule: await loadRuleFile(file, 'builtin'), where: displayPath(file) });
      return loaded;
    })();
    builtinCache.set(dir, cached);
    cached.catch(() => builtinCache.delete(dir));
  }
  return cached;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function yamlFiles(dir: string, optional: boolean): Promise<string[]> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new RuleFileError(dir, 'not a directory');
    entries = await readdir(dir);
  } catch (error) {
    if (error instanceof RuleFileError) throw error;
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RuleFileError(dir, `cannot read the rules directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return entries
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Reads, validates and compiles one rule file. */
export async function loadRuleFile(file: string, origin: LoadedRule['origin']): Promise<LoadedRule> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RuleFileError(shown, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw new RuleFileError(shown, `invalid YAML: ${yamlError.message.split('\n')[0]}`);
  const spec: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = await ruleValidator();
  if (!validate(spec)) {
    const { field, message } = describeSchemaError(validate.errors ?? []);
    throw new RuleFileError(shown, message, field || undefined);
  }
  try {
    return { ...compileYamlRule(spec as YamlRuleSpec), origin, file: shown };
  } catch (error) {
    if (error instanceof RuleSpecError) throw new RuleFileError(shown, error.message, error.field);
    throw error;
  }
}

/** `/match/logs/0/regex` → `match.logs[0].regex`; keys that are not identifiers as `["status.phase"]`. */
export function fieldOf(instancePath: string): string {
  let field = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) field += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) field += field ? `.${part}` : part;
    else field += `[${JSON.stringify(part)}]`;
  }
  return field;
}

/** The one schema error to show: the deepest, worded for a person. */
export function describeSchemaError(errors: ErrorObject[]): { field: string; message: string } {
  const ranked = [...errors].sort((a, b) => score(b) - score(a));
  const e = ranked[0];
  if (!e) return { field: '', message: 'does not match the rule schema' };
  const at = (extra?: string) => [fieldOf(e.instancePath), extra].filter(Boolean).join('.');
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: at(key), message: 'unknown field' };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return { field: at(key), message: 'is required' };
    }
    case 'enum':
      return { field: at(), message: `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}` };
    default:
      return { field: at(), message: e.message ?? 'is invalid' };
  }
}

function score(e: ErrorObject): number {
  // Deeper first; an unknown or missing field says more than "must match a schema in anyOf".
  const depth = e.instancePath.split('/').length * 10;
  const keyword = e.keyword === 'anyOf' ? 0 : e.keyword === 'type' ? 1 : 5;
  return depth + keyword;
}
