// Every TypeScript rule is documented like a YAML rule, and names only rules that exist as its root causes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORIES, isSeverity } from '../../src/constants.js';
import { BUILTIN_TS_RULES, loadCatalog } from '../../src/catalog.js';

test('TypeScript rules have complete metadata, their documentation read from README.md', async () => {
  const ids = new Set<string>();
  const registered = new Set(BUILTIN_TS_RULES.map((r) => r.meta.id));
  for (const { meta } of (await loadCatalog()).rules.filter((r) => registered.has(r.meta.id))) {
    assert.match(meta.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${meta.id}: kebab-case id`);
    assert.ok(!ids.has(meta.id), `${meta.id}: duplicate id`);
    ids.add(meta.id);
    assert.ok(isSeverity(meta.severity), `${meta.id}: severity`);
    assert.ok((CATEGORIES as readonly string[]).includes(meta.category), `${meta.id}: category ${meta.category}`);
    for (const field of ['title', 'summary', 'description', 'remediation'] as const) assert.ok(meta[field].trim().length > 20 || field === 'title', `${meta.id}: ${field}`);
    assert.ok(meta.docs.length > 0 && meta.docs.every((d) => d.startsWith('https://')), `${meta.id}: docs`);
    assert.ok(!(meta.explainedBy ?? []).includes(meta.id), `${meta.id}: explains itself`);
  }
});

test('explainedBy names rules of the catalog', async () => {
  const catalog = new Set((await loadCatalog()).rules.map((r) => r.meta.id));
  for (const { meta } of BUILTIN_TS_RULES) {
    for (const cause of meta.explainedBy ?? []) assert.ok(catalog.has(cause), `${meta.id}: explainedBy ${cause} is not a rule`);
  }
});
