// The conventions every built-in rule folder keeps: its name is the id, README.md with its sections, cases both ways, registered, in the catalog table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_RULES_DIR, BUILTIN_TS_RULES, loadCatalog } from '../src/catalog.js';
import { CATEGORIES, isSeverity } from '../src/constants.js';
import { RULE_README, RULE_TS, RULE_YAML } from '../src/engine/index.js';
import { markdownSections, parseRuleReadme, README_SECTIONS } from '../src/engine/rule-docs.js';
import { casesDir, entries, readCase } from './support/rule-tester.js';

const catalog = (await loadCatalog()).rules;
const folders = (await entries(BUILTIN_RULES_DIR)).filter((name) => existsSync(join(BUILTIN_RULES_DIR, name, RULE_README)) || existsSync(join(BUILTIN_RULES_DIR, name, 'cases')) || existsSync(join(BUILTIN_RULES_DIR, name, RULE_YAML)) || existsSync(join(BUILTIN_RULES_DIR, name, RULE_TS)));

test('every rule folder is named after its rule, holds rule.yaml or rule.ts (not both), and every rule has a folder', async () => {
  const ids = catalog.map((r) => r.meta.id).sort();
  assert.deepEqual(folders, ids, 'rules/ folders and rule ids differ');
  for (const name of await entries(BUILTIN_RULES_DIR)) {
    const kinds = [RULE_YAML, RULE_TS].filter((file) => existsSync(join(BUILTIN_RULES_DIR, name, file)));
    assert.equal(kinds.length, 1, `rules/${name}: exactly one of ${RULE_YAML}, ${RULE_TS} (has ${kinds.join(', ') || 'none'})`);
  }
});

test('every rule.ts is registered in the catalog, as the module it exports', async () => {
  const registered = new Map(BUILTIN_TS_RULES.map((r) => [r.meta.id, r]));
  const tsFolders = folders.filter((name) => existsSync(join(BUILTIN_RULES_DIR, name, RULE_TS)));
  assert.deepEqual([...registered.keys()].sort(), tsFolders, 'registered TypeScript rules and rule.ts folders differ');
  for (const name of tsFolders) {
    const exported = Object.values((await import(pathToFileURL(join(BUILTIN_RULES_DIR, name, RULE_TS)).href)) as Record<string, unknown>);
    assert.ok(exported.includes(registered.get(name)), `rules/${name}/${RULE_TS}: the registered rule is not the one the module exports`);
  }
});

test('every rule has a README.md titled with its id, with the required sections', () => {
  for (const { meta } of catalog) {
    const file = join(BUILTIN_RULES_DIR, meta.id, RULE_README);
    assert.ok(existsSync(file), `rules/${meta.id}: no ${RULE_README}`);
    const text = readFileSync(file, 'utf8');
    assert.equal(markdownSections(text).title, meta.id, `rules/${meta.id}/${RULE_README}: the title ("# …") is the rule id`);
    const docs = parseRuleReadme(text);
    assert.equal(meta.description, docs.description, `rules/${meta.id}: the loaded description is the README's`);
    assert.ok(docs.description.length > 40, `rules/${meta.id}: "## ${README_SECTIONS.means}" says little`);
    assert.ok(docs.docs.every((d) => d.startsWith('https://')), `rules/${meta.id}: links are https`);
  }
});

test('every rule has complete metadata', () => {
  for (const { meta } of catalog) {
    assert.match(meta.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${meta.id}: kebab-case id`);
    assert.ok(isSeverity(meta.severity), `${meta.id}: severity`);
    assert.ok((CATEGORIES as readonly string[]).includes(meta.category), `${meta.id}: category ${meta.category}`);
    assert.ok(meta.title.trim().length > 0 && meta.summary.trim().length > 20, `${meta.id}: title and summary`);
    assert.ok(meta.remediation.trim().length > 20, `${meta.id}: remediation`);
    assert.ok(meta.docs.length > 0, `${meta.id}: links`);
    assert.ok(!(meta.explainedBy ?? []).includes(meta.id), `${meta.id}: explains itself`);
  }
});

test('every rule has a case that fires and a near miss that must not', async () => {
  for (const { meta } of catalog) {
    const specs = await Promise.all((await entries(casesDir(meta.id))).map((name) => readCase(join(casesDir(meta.id), name))));
    assert.ok(specs.some((s) => s.fires), `rules/${meta.id}/cases: no case that fires`);
    assert.ok(specs.some((s) => !s.fires), `rules/${meta.id}/cases: no near miss (fires: false)`);
  }
});

test("every rule id is in the README's catalog table, and the table names no other", () => {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## The rule catalog');
  assert.ok(start >= 0, 'README.md: no "## The rule catalog" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const table = section.split('\n').filter((line) => line.startsWith('|')).join('\n');
  const listed = new Set([...table.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
  const ids = catalog.map((r) => r.meta.id);
  assert.deepEqual(ids.filter((id) => !listed.has(id)), [], "rules missing from README.md's catalog table");
  assert.deepEqual([...listed].filter((id) => !ids.includes(id)), [], "README.md's catalog table names rules that do not exist");
});
