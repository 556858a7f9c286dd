// The files of a rule folder (`rules/<id>/`) and the rule schema: names only, so that naming them loads nothing.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** The declarative definition inside a rule folder. */
export const RULE_YAML = 'rule.yaml';
/** The TypeScript definition inside a rule folder (built-in rules only: the composition root registers it). */
export const RULE_TS = 'rule.ts';
/** A rule folder's documentation: Markdown sections (src/engine/rule-docs.ts). */
export const RULE_README = 'README.md';
/** The JSON schema every YAML rule is validated against. */
export const RULE_SCHEMA_PATH = join(PACKAGE_ROOT, 'src', 'engine', 'rule.schema.json');
