// Reads rule sources from disk: a rule file's YAML, validated against the rule schema, and a rule folder's README.md.
// Loaded only when rule folders or files are read (vendor rules, or a built-in catalog without a fresh compiled form).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { RuleFileError } from '../errors.js';
import { FieldError } from './field-error.js';
import { parseRuleReadme } from './rule-docs.js';
import { RULE_README, RULE_SCHEMA_PATH } from './rule-folder.js';
import type { RuleDocs } from './types.js';
import type { YamlRuleSpec } from './yaml-rule.js';

let validator: ValidateFunction | undefined;

async function ruleValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const schema = JSON.parse(await readFile(RULE_SCHEMA_PATH, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return validator;
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new RuleFileError(shown, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Reads a rule file and checks it against the rule schema; `shown` is its path in errors. */
export async function readRuleSpec(file: string, shown: string): Promise<YamlRuleSpec> {
  const doc = parseDocument(await readText(file, shown), { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw new RuleFileError(shown, `invalid YAML: ${yamlError.message.split('\n')[0]}`);
  const spec: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = await ruleValidator();
  if (!validate(spec)) {
    const { field, message } = describeSchemaError(validate.errors ?? []);
    throw new RuleFileError(shown, message, field || undefined);
  }
  return spec as YamlRuleSpec;
}

/** A rule folder's README.md read into the rule's documentation; undefined when the folder has none. */
export async function readRuleReadme(folder: string, shown: (path: string) => string): Promise<RuleDocs | undefined> {
  const path = join(folder, RULE_README);
  if (!existsSync(path)) return undefined;
  const text = await readText(path, shown(path));
  try {
    return parseRuleReadme(text);
  } catch (error) {
    if (error instanceof FieldError) throw new RuleFileError(shown(path), error.message, error.field);
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
