// Loads rules: rule folders (`<id>/rule.yaml`, or a registered TypeScript rule), plain YAML rule files, all validated.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { RuleFileError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { FieldError } from './field-error.js';
import { compilePattern, type CompiledPattern } from './patterns.js';
import { PatternScanner, type ScannerOptions } from './scanner.js';
import { parseRuleReadme, README_SECTIONS } from './rule-docs.js';
import type { LoadedRule, RuleDocs, RuleMeta, RuleModule } from './types.js';
import { compileYamlRule, type YamlRuleSpec } from './yaml-rule.js';
import type { LogScanner } from '../model/bundle.js';

export const RULE_SCHEMA_PATH = join(PACKAGE_ROOT, 'src', 'engine', 'rule.schema.json');

/** The declarative definition inside a rule folder. */
export const RULE_YAML = 'rule.yaml';
/** The TypeScript definition inside a rule folder (built-in rules only: the composition root registers it). */
export const RULE_TS = 'rule.ts';
/** A rule folder's documentation: Markdown sections (src/engine/rule-docs.ts). */
export const RULE_README = 'README.md';

export interface RuleSet {
  rules: LoadedRule[];
  /** Every log pattern of every rule, compiled, in rule order. */
  patterns: CompiledPattern[];
  /** A scanner for the readers; one per analysis (it keeps no state between files). */
  createScanner(options?: ScannerOptions): LogScanner;
}

export interface LoadRulesOptions {
  /** A folder of rule folders (`<id>/rule.yaml` or `<id>/rule.ts`): the built-in catalog. None when omitted. */
  builtinDir?: string;
  /** The TypeScript rules of `builtinDir`, registered by the composition root. */
  tsRules?: readonly RuleModule[];
  /** Vendor rules (`--rules PATH`), loaded after the built-in catalog: a YAML file, a rule folder, or a folder of both. */
  rulesDirs?: string[];
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
  const tsRules = options.tsRules ?? [];
  const builtin = options.builtinDir === undefined ? undefined : await builtinFolders(options.builtinDir);
  if (builtin) {
    const registered = new Set(tsRules.map((r) => r.meta.id));
    for (const name of builtin.codeFolders) {
      if (!registered.has(name)) throw new RuleFileError(displayPath(join(options.builtinDir!, name)), `no ${RULE_YAML}, and no TypeScript rule "${name}" is registered`);
    }
    for (const { rule, where } of builtin.yamlRules) add(rule, where);
  }
  for (const rule of tsRules) {
    const where = `TypeScript rule ${rule.meta.id}`;
    add({ ...rule, meta: withDocs(rule.meta, builtin?.readmes.get(rule.meta.id), where), origin: 'builtin' }, where);
  }
  for (const path of options.rulesDirs ?? []) {
    for (const file of await vendorRuleFiles(path)) {
      const rule = basename(file) === RULE_YAML ? await loadRuleFolder(file, 'vendor') : await loadRuleFile(file, 'vendor');
      add(rule, displayPath(file));
    }
  }
  const patterns: CompiledPattern[] = [];
  for (const rule of rules) {
    (rule.logPatterns ?? []).forEach((spec, i) => {
      try {
        patterns.push(compilePattern(rule.meta.id, i, spec));
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        throw new RuleFileError(rule.file ?? `TypeScript rule ${rule.meta.id}`, error.message, `logPatterns[${i}].${error.field}`);
      }
    });
  }
  return { rules, patterns, createScanner: (scannerOptions) => new PatternScanner(patterns, scannerOptions) };
}

/** A TypeScript rule's meta with its README.md's documentation; the two may not both document it. */
function withDocs(meta: RuleModule['meta'], readme: ReadmeDocs | undefined, where: string): RuleMeta {
  const own = DOC_FIELDS.filter((field) => meta[field] !== undefined);
  if (readme && own.length > 0) throw new RuleFileError(readme.file, `documents the rule, and so does its rule.ts (${own.join(', ')}): keep one`);
  if (readme) return { ...meta, ...readme.docs };
  const { description, remediation, docs } = meta;
  if (description === undefined || remediation === undefined || docs === undefined) throw new RuleFileError(where, `no ${RULE_README} documents it`);
  return { ...meta, description, remediation, docs };
}

const DOC_FIELDS = ['description', 'remediation', 'docs', 'variants'] as const;

interface ReadmeDocs {
  docs: RuleDocs;
  /** The README.md, as shown in errors. */
  file: string;
}

interface BuiltinFolders {
  yamlRules: { rule: LoadedRule; where: string }[];
  /** Folders without rule.yaml: each must be a registered TypeScript rule. */
  codeFolders: string[];
  /** The README.md documentation of the folders without rule.yaml, by id. */
  readmes: Map<string, ReadmeDocs>;
}

/**
 * The built-in catalog is read and compiled once per process (compiled rules hold no state between
 * runs): a test suite or a server analyzing many inputs does not pay for it again. A failed load is not kept.
 */
const builtinCache = new Map<string, Promise<BuiltinFolders>>();

/** A folder of rule folders: the YAML rules, and the documentation of the others (TypeScript rules). */
function builtinFolders(dir: string): Promise<BuiltinFolders> {
  let cached = builtinCache.get(dir);
  if (!cached) {
    cached = (async () => {
      const found: BuiltinFolders = { yamlRules: [], codeFolders: [], readmes: new Map() };
      for (const name of await listDir(dir)) {
        const folder = join(dir, name);
        if (!(await stat(folder)).isDirectory()) continue;
        const file = join(folder, RULE_YAML);
        if (existsSync(file)) {
          found.yamlRules.push({ rule: await loadRuleFolder(file, 'builtin'), where: displayPath(file) });
          continue;
        }
        found.codeFolders.push(name);
        const readme = await readReadme(folder);
        if (readme) found.readmes.set(name, readme);
      }
      return found;
    })();
    builtinCache.set(dir, cached);
    cached.catch(() => builtinCache.delete(dir));
  }
  return cached;
}

/**
 * The rule files of one `--rules PATH`: the file itself; the folder's rule.yaml when it is a rule
 * folder; else its `*.yaml` / `*.yml` files and the rule.yaml of each rule folder in it, by name.
 */
async function vendorRuleFiles(path: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new RuleFileError(path, `cannot read the rules directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!isDir) return [path];
  if (existsSync(join(path, RULE_YAML))) return [join(path, RULE_YAML)];
  const files: string[] = [];
  for (const name of await listDir(path)) {
    const entry = join(path, name);
    if (/\.ya?ml$/i.test(name) && !(await stat(entry)).isDirectory()) files.push(entry);
    else if (existsSync(join(entry, RULE_YAML))) files.push(join(entry, RULE_YAML));
    else if (existsSync(join(entry, RULE_TS))) throw new RuleFileError(displayPath(join(entry, RULE_TS)), 'TypeScript rules are built in only; a vendor rule is a rule.yaml');
  }
  return files;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    throw new RuleFileError(displayPath(dir), `cannot read the rules directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** A rule folder's README.md, read into the rule's documentation; undefined when the folder has none. */
async function readReadme(folder: string): Promise<ReadmeDocs | undefined> {
  const path = join(folder, RULE_README);
  if (!existsSync(path)) return undefined;
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RuleFileError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return { docs: parseRuleReadme(text), file };
  } catch (error) {
    if (error instanceof FieldError) throw new RuleFileError(file, error.message, error.field);
    throw error;
  }
}

/** A rule folder's rule.yaml, documented by the folder's README.md when it has one; the id must be the folder's name. */
async function loadRuleFolder(file: string, origin: LoadedRule['origin']): Promise<LoadedRule> {
  const folder = dirname(file);
  const rule = await loadRuleFile(file, origin, await readReadme(folder));
  if (rule.meta.id !== basename(folder)) throw new RuleFileError(displayPath(file), `the id "${rule.meta.id}" is not the folder's name "${basename(folder)}"`, 'id');
  return rule;
}

/** Reads, validates and compiles one rule file; its documentation is in the file, or in `readme`. */
export async function loadRuleFile(file: string, origin: LoadedRule['origin'], readme?: ReadmeDocs): Promise<LoadedRule> {
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
  const fields = spec as Partial<YamlRuleSpec>;
  for (const field of ['description', 'remediation', 'docs'] as const) {
    if (readme && fields[field] !== undefined) throw new RuleFileError(shown, `documented in ${readme.file}; remove it here`, field);
    if (!readme && fields[field] === undefined) throw new RuleFileError(shown, `is required (here, or in a ${RULE_README} beside a ${RULE_YAML})`, field);
  }
  const { variants, ...docs } = readme?.docs ?? {};
  try {
    const rule = compileYamlRule({ ...(spec as YamlRuleSpec), ...docs });
    if (variants) rule.meta.variants = variants;
    return { ...rule, origin, file: shown };
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    if (readme && error.field === 'remediation') throw new RuleFileError(readme.file, error.message, `## ${README_SECTIONS.fix}`);
    throw new RuleFileError(shown, error.message, error.field);
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
