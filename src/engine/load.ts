// Loads rules: the built-in catalog (its compiled form, or its rule folders), vendor rule folders and YAML files, all validated.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { RuleFileError } from '../errors.js';
import { COMPILED_CATALOG_FORMAT, readCompiledCatalog, sourceFingerprint, type BuiltinSources, type CompiledCatalog } from './compiled-catalog.js';
import { FieldError } from './field-error.js';
import { compilePattern, type CompiledPattern } from './patterns.js';
import { README_SECTIONS } from './rule-docs.js';
import { RULE_README, RULE_TS, RULE_YAML } from './rule-folder.js';
import { PatternScanner, type ScannerOptions } from './scanner.js';
import type { LoadedRule, RuleDocs, RuleMeta, RuleModule } from './types.js';
import { compileYamlRule, type YamlRuleSpec } from './yaml-rule.js';
import type { LogScanner } from '../model/bundle.js';

export { RULE_README, RULE_SCHEMA_PATH, RULE_TS, RULE_YAML } from './rule-folder.js';

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
  /**
   * The compiled form of `builtinDir` (a JSON file compileCatalog() wrote at build time). Used instead of
   * reading the folders when it is there and was compiled from the folders as they are now.
   */
  compiledCatalog?: string;
  /** The TypeScript rules of `builtinDir`, registered by the composition root. */
  tsRules?: readonly RuleModule[];
  /** Vendor rules (`--rules PATH`), loaded after the built-in catalog: a YAML file, a rule folder, or a folder of both. */
  rulesDirs?: string[];
}

export async function loadRules(options: LoadRulesOptions = {}): Promise<RuleSet> {
  const { builtinDir, compiledCatalog, tsRules = [], rulesDirs = [] } = options;
  const builtin = builtinDir === undefined ? undefined : { dir: builtinDir, rules: await builtinRules(builtinDir, compiledCatalog) };
  return assemble(builtin, tsRules, rulesDirs);
}

/** The rule set of a built-in catalog (compiled), its TypeScript rules, and the vendor rules of `rulesDirs`. */
async function assemble(builtin: { dir: string; rules: BuiltinRules } | undefined, tsRules: readonly RuleModule[], rulesDirs: readonly string[]): Promise<RuleSet> {
  const rules: LoadedRule[] = [];
  const seen = new Map<string, string>();
  const add = (rule: LoadedRule, where: string) => {
    const other = seen.get(rule.meta.id);
    if (other !== undefined) throw new RuleFileError(where, `duplicate rule id "${rule.meta.id}" (also defined in ${other})`, 'id');
    seen.set(rule.meta.id, where);
    rules.push(rule);
  };
  if (builtin) {
    const registered = new Set(tsRules.map((r) => r.meta.id));
    for (const name of builtin.rules.codeFolders) {
      if (!registered.has(name)) throw new RuleFileError(displayPath(join(builtin.dir, name)), `no ${RULE_YAML}, and no TypeScript rule "${name}" is registered`);
    }
    for (const { rule, where } of builtin.rules.yamlRules) add(rule, where);
  }
  for (const rule of tsRules) {
    const where = `TypeScript rule ${rule.meta.id}`;
    add({ ...rule, meta: withDocs(rule.meta, builtin?.rules.readmes.get(rule.meta.id), where), origin: 'builtin' }, where);
  }
  // The built-in rules' patterns were checked when the catalog was compiled: they are compiled when first needed.
  const checked = builtin?.rules.checked ? rules.length : 0;
  for (const path of rulesDirs) {
    // Read and checked side by side (a folder of rules is mostly waiting on files), then added in
    // file order, so that the error reported is the first file's whatever finished first.
    const files = await vendorRuleFiles(path);
    const loaded = await Promise.allSettled(files.map((file) => (basename(file) === RULE_YAML ? loadRuleFolder(file, 'vendor') : loadRuleFile(file, 'vendor'))));
    loaded.forEach((outcome, i) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      add(outcome.value, displayPath(files[i]!));
    });
  }
  const eager = rules.slice(checked).map(patternsOf);
  let patterns: CompiledPattern[] | undefined;
  const allPatterns = () => (patterns ??= [...rules.slice(0, checked).flatMap(patternsOf), ...eager.flat()]);
  return {
    rules,
    get patterns() {
      return allPatterns();
    },
    createScanner: (scannerOptions) => new PatternScanner(allPatterns(), scannerOptions),
  };
}

/** A rule's log patterns, compiled; a bad one is a RuleFileError naming the rule's file and the pattern. */
function patternsOf(rule: LoadedRule): CompiledPattern[] {
  return (rule.logPatterns ?? []).map((spec, i) => {
    try {
      return compilePattern(rule.meta.id, i, spec);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      throw new RuleFileError(rule.file ?? `TypeScript rule ${rule.meta.id}`, error.message, `logPatterns[${i}].${error.field}`);
    }
  });
}

/**
 * The compiled form of the catalog in `dir`: every check that loading the folders makes (schema, README
 * sections, templates, patterns, registered TypeScript rules) is made here, once, and a failure throws.
 */
export async function compileCatalog(dir: string, tsRules: readonly RuleModule[]): Promise<CompiledCatalog> {
  // Taken before the folders are read: a file that changes meanwhile leaves the result stale, never wrong.
  const fingerprint = sourceFingerprint(dir);
  const sources = await readBuiltinSources(dir);
  const { rules } = await assemble({ dir, rules: compileBuiltin(dir, sources, false) }, tsRules, []);
  return { format: COMPILED_CATALOG_FORMAT, fingerprint, sources, metas: rules.map((rule) => rule.meta) };
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

const DOC_FIELDS = ['description', 'remediation', 'docs', 'variants', 'why', 'sources'] as const;

interface ReadmeDocs {
  docs: RuleDocs;
  /** The README.md, as shown in errors. */
  file: string;
}

interface BuiltinRules {
  /** From a compiled catalog: every check was made at build time, and compilation waits until it is needed. */
  checked: boolean;
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
const builtinCache = new Map<string, Promise<BuiltinRules>>();

/** The YAML rules of a folder of rule folders, and the documentation of the others (TypeScript rules). */
function builtinRules(dir: string, compiledCatalog: string | undefined): Promise<BuiltinRules> {
  const key = `${dir}\0${compiledCatalog ?? ''}`;
  let cached = builtinCache.get(key);
  if (!cached) {
    cached = (async () => {
      const compiled = compiledCatalog === undefined ? undefined : readCompiledCatalog(compiledCatalog, dir);
      return compiled ? compileBuiltin(dir, compiled.sources, true) : compileBuiltin(dir, await readBuiltinSources(dir), false);
    })();
    builtinCache.set(key, cached);
    cached.catch(() => builtinCache.delete(key));
  }
  return cached;
}

/** Reads every rule folder of `dir`: YAML parsed and schema-checked, README.md parsed (what the compiled catalog holds). */
async function readBuiltinSources(dir: string): Promise<BuiltinSources> {
  const { readRuleReadme, readRuleSpec } = await import('./rule-files.js');
  const sources: BuiltinSources = { yamlRules: [], codeFolders: [], readmes: {} };
  for (const name of await listDir(dir)) {
    const folder = join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue;
    const docs = await readRuleReadme(folder, displayPath);
    const readme = docs && { file: `${name}/${RULE_README}`, docs };
    const file = join(folder, RULE_YAML);
    if (existsSync(file)) {
      const spec = await readRuleSpec(file, displayPath(file));
      checkFolderName(spec, file);
      sources.yamlRules.push(readme ? { file: `${name}/${RULE_YAML}`, spec, readme } : { file: `${name}/${RULE_YAML}`, spec });
    } else {
      sources.codeFolders.push(name);
      if (readme) sources.readmes[name] = readme;
    }
  }
  return sources;
}

/** The rules of a folder of rule folders, from what readBuiltinSources() read, or what a compiled catalog holds (`checked`). */
function compileBuiltin(dir: string, sources: BuiltinSources, checked: boolean): BuiltinRules {
  const shown = (file: string) => displayPath(join(dir, file));
  const readmeOf = (readme: { file: string; docs: RuleDocs } | undefined): ReadmeDocs | undefined => readme && { docs: readme.docs, file: shown(readme.file) };
  return {
    checked,
    yamlRules: sources.yamlRules.map(({ file, spec, readme }) => ({ rule: compileRuleSpec(spec, 'builtin', shown(file), readmeOf(readme), checked), where: shown(file) })),
    codeFolders: sources.codeFolders,
    readmes: new Map(Object.entries(sources.readmes).map(([id, readme]) => [id, readmeOf(readme)!])),
  };
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

/** A rule folder's rule.yaml must give the folder's name as its id. */
function checkFolderName(spec: YamlRuleSpec, file: string): void {
  const folder = basename(dirname(file));
  if (spec.id !== folder) throw new RuleFileError(displayPath(file), `the id "${spec.id}" is not the folder's name "${folder}"`, 'id');
}

/** A rule folder's rule.yaml, documented by the folder's README.md when it has one; the id must be the folder's name. */
async function loadRuleFolder(file: string, origin: LoadedRule['origin']): Promise<LoadedRule> {
  const { readRuleReadme, readRuleSpec } = await import('./rule-files.js');
  const folder = dirname(file);
  const docs = await readRuleReadme(folder, displayPath);
  const shown = displayPath(file);
  const spec = await readRuleSpec(file, shown);
  const rule = compileRuleSpec(spec, origin, shown, docs && { docs, file: displayPath(join(folder, RULE_README)) }, false);
  checkFolderName(spec, file);
  return rule;
}

/** Reads, validates and compiles one rule file; its documentation is in the file, or in `readme`. */
export async function loadRuleFile(file: string, origin: LoadedRule['origin'], readme?: ReadmeDocs): Promise<LoadedRule> {
  const { readRuleSpec } = await import('./rule-files.js');
  const shown = displayPath(file);
  return compileRuleSpec(await readRuleSpec(file, shown), origin, shown, readme, false);
}

/**
 * Compiles a schema-checked rule spec; its documentation is in the spec, or in `readme`. `shown` names
 * the file in errors; `checked` says the build checked it (compileYamlRule's CompileOptions).
 */
function compileRuleSpec(spec: YamlRuleSpec, origin: LoadedRule['origin'], shown: string, readme: ReadmeDocs | undefined, checked: boolean): LoadedRule {
  const fields = spec as Partial<YamlRuleSpec>;
  for (const field of ['description', 'remediation', 'docs'] as const) {
    if (readme && fields[field] !== undefined) throw new RuleFileError(shown, `documented in ${readme.file}; remove it here`, field);
    if (!readme && fields[field] === undefined) throw new RuleFileError(shown, `is required (here, or in a ${RULE_README} beside a ${RULE_YAML})`, field);
  }
  const { variants, why, sources, ...docs } = readme?.docs ?? {};
  try {
    const rule = compileYamlRule({ ...spec, ...docs }, { checked });
    if (variants) rule.meta.variants = variants;
    if (why) rule.meta.why = why;
    if (sources) rule.meta.sources = sources;
    return { ...rule, origin, file: shown, yaml: spec as YamlRuleSpec };
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    if (readme && error.field === 'remediation') throw new RuleFileError(readme.file, error.message, `## ${README_SECTIONS.fix}`);
    throw new RuleFileError(shown, error.message, error.field);
  }
}
