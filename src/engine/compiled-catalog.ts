// The built-in catalog's compiled form (dist/catalog.json): its rule folders read, schema-checked and parsed at build time.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_README, RULE_SCHEMA_PATH, RULE_YAML } from './rule-folder.js';
import type { RuleDocs, RuleMeta } from './types.js';
import type { YamlRuleSpec } from './yaml-rule.js';

/** Bumped whenever the shape below changes: a compiled catalog of another format is not used. */
export const COMPILED_CATALOG_FORMAT = 2;

/** A README.md's documentation; `file` is relative to the rules folder. */
export interface ReadmeSource {
  file: string;
  docs: RuleDocs;
}

/** A YAML rule as its folder gives it: the schema-checked spec and its README.md's documentation. */
export interface YamlRuleSource {
  /** The rule.yaml, relative to the rules folder. */
  file: string;
  spec: YamlRuleSpec;
  readme?: ReadmeSource;
}

/** What a folder of rule folders holds, before compilation: plain JSON data. */
export interface BuiltinSources {
  yamlRules: YamlRuleSource[];
  /** Folders without rule.yaml: each must be a registered TypeScript rule. */
  codeFolders: string[];
  /** The README.md documentation of the code folders, by id. */
  readmes: Record<string, ReadmeSource>;
}

export interface CompiledCatalog {
  format: number;
  /** sourceFingerprint() of the folders it was compiled from. */
  fingerprint: string;
  sources: BuiltinSources;
  /** Every built-in rule's metadata, as loading gives it, in catalog order: `rules list` needs no rule loaded. */
  metas: RuleMeta[];
}

/**
 * A digest of everything a compiled catalog is made from: the folder names, each folder's rule.yaml and
 * README.md, and the rule schema. Reading the files is cheap next to parsing and schema-checking them,
 * which is what the compiled form saves.
 */
export function sourceFingerprint(dir: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(RULE_SCHEMA_PATH));
  for (const name of readdirSync(dir).filter((n) => !n.startsWith('.')).sort()) {
    for (const file of [RULE_YAML, RULE_README]) {
      hash.update(`\0${name}/${file}\0`);
      try {
        hash.update(readFileSync(join(dir, name, file)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        hash.update('\0none');
      }
    }
  }
  return hash.digest('hex');
}

/**
 * The compiled catalog at `path`, when that file is there, of this format, and compiled from the
 * folders of `dir` as they are now; undefined otherwise (the caller reads the folders instead).
 */
export function readCompiledCatalog(path: string, dir: string): CompiledCatalog | undefined {
  let catalog: Partial<CompiledCatalog>;
  try {
    catalog = JSON.parse(readFileSync(path, 'utf8')) as Partial<CompiledCatalog>;
  } catch {
    return undefined;
  }
  if (catalog.format !== COMPILED_CATALOG_FORMAT || !catalog.sources || !catalog.metas) return undefined;
  let fingerprint: string;
  try {
    fingerprint = sourceFingerprint(dir);
  } catch {
    return undefined;
  }
  return catalog.fingerprint === fingerprint ? (catalog as CompiledCatalog) : undefined;
}

/** Every template text of a compiled catalog's rules (messages, groups, every rule's remediation), for precompileTemplates(). */
export function catalogTemplates(catalog: CompiledCatalog): string[] {
  const texts = catalog.metas.map((meta) => meta.remediation);
  for (const { spec } of catalog.sources.yamlRules) {
    texts.push(spec.message);
    if (spec.group) texts.push(spec.group);
    for (const pattern of spec.match.logs ?? []) if (pattern.message) texts.push(pattern.message);
    for (const query of spec.match.objects ?? []) if (query.message) texts.push(query.message);
  }
  return texts;
}
