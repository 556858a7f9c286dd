// The built-in catalog's compiled form (dist/catalog.json): the same rules as the folders, used only while it matches them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_RULES_DIR, BUILTIN_TS_RULES, compileBuiltinCatalog } from '../../src/catalog.js';
import { catalogTemplates, compileCatalog, evaluate, loadRules, precompileTemplates, usePrecompiledTemplates, type CompiledCatalog, type RuleSet } from '../../src/engine/index.js';
import { readInputs } from '../../src/readers/index.js';

const scratch = await mkdtemp(join(tmpdir(), 'sd-compiled-'));
test.after(() => rm(scratch, { recursive: true, force: true }));

let written = 0;
/** Writes a compiled catalog as the build does (JSON), under a new name: loaded catalogs are cached by path. */
async function writeCompiled(catalog: CompiledCatalog): Promise<string> {
  const path = join(scratch, `catalog-${written++}.json`);
  await writeFile(path, JSON.stringify(catalog));
  return path;
}

/** What a rule set is, apart from code: every rule's metadata, file and patterns, and the compiled patterns. */
function shapeOf(set: RuleSet) {
  return {
    rules: set.rules.map((r) => ({ meta: r.meta, origin: r.origin, file: r.file, logPatterns: r.logPatterns, afterOthers: r.afterOthers })),
    patterns: set.patterns.map((p) => ({ ...p, regex: String(p.regex), components: [...(p.components ?? [])], levels: [...(p.levels ?? [])] })),
  };
}

async function findingsOf(set: RuleSet, input: string) {
  const bundle = await readInputs([input], { scanner: set.createScanner() });
  return evaluate(set, bundle, { now: new Date(bundle.collectedAt ?? '2024-06-01T00:00:00Z') });
}

test('the compiled catalog gives the very rules the rule folders give, and the same findings', async () => {
  const catalog = await compileBuiltinCatalog();
  const compiled = await writeCompiled(catalog);
  const fromFolders = await loadRules({ builtinDir: BUILTIN_RULES_DIR, tsRules: BUILTIN_TS_RULES });
  // `rules list` reads the metadata straight from the compiled catalog.
  assert.deepEqual(JSON.parse(JSON.stringify(catalog.metas)), fromFolders.rules.map((r) => r.meta));
  const fromCompiled = await loadRules({ builtinDir: BUILTIN_RULES_DIR, compiledCatalog: compiled, tsRules: BUILTIN_TS_RULES });
  assert.ok(fromFolders.rules.length > 90);
  assert.deepEqual(shapeOf(fromCompiled), shapeOf(fromFolders));
  const inputs = ['fixtures/sample-bundle', 'fixtures/healthy/velero-1.13-kots-kopia'];
  const expected = [];
  for (const input of inputs) expected.push(await findingsOf(fromFolders, input));
  assert.ok(expected[0]!.findings.length > 0);
  // From here on, the build's precompiled templates render what compiling them at run time rendered.
  const templates = join(scratch, 'rule-templates.json');
  await writeFile(templates, precompileTemplates(catalogTemplates(catalog)));
  usePrecompiledTemplates(templates);
  for (const [i, input] of inputs.entries()) assert.deepEqual(await findingsOf(fromCompiled, input), expected[i], `findings of ${input}`);
});

/** A rules folder of one YAML rule (documented by its README.md) and one TypeScript rule's README.md. */
async function rulesCopy(): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'rules-'));
  await cp(join(BUILTIN_RULES_DIR, 'bsl-unavailable'), join(dir, 'bsl-unavailable'), { recursive: true });
  await cp(join(BUILTIN_RULES_DIR, 'backup-stuck'), join(dir, 'backup-stuck'), { recursive: true });
  return dir;
}
const tsRules = BUILTIN_TS_RULES.filter((r) => r.meta.id === 'backup-stuck');
const titleOf = async (options: Parameters<typeof loadRules>[0]) => (await loadRules(options)).rules.find((r) => r.meta.id === 'bsl-unavailable')!.meta.title;

test('a compiled catalog is used while it matches the folders; missing, stale, of another format or unreadable, the folders are read', async () => {
  const dir = await rulesCopy();
  const catalog = await compileCatalog(dir, tsRules);
  const source = catalog.sources.yamlRules.find((r) => r.spec.id === 'bsl-unavailable')!;
  const folderTitle = source.spec.title;
  // A compiled catalog that says something the folder does not: which one speaks shows which was read.
  source.spec.title = 'from the compiled catalog';
  const marked = await writeCompiled(catalog);
  assert.equal(await titleOf({ builtinDir: dir, compiledCatalog: marked, tsRules }), 'from the compiled catalog');

  assert.equal(await titleOf({ builtinDir: dir, compiledCatalog: join(scratch, 'no-such.json'), tsRules }), folderTitle);
  assert.equal(await titleOf({ builtinDir: dir, compiledCatalog: await writeCompiled({ ...catalog, format: catalog.format + 1 }), tsRules }), folderTitle);
  const garbled = join(scratch, 'garbled.json');
  await writeFile(garbled, '{"format": 1, "fingerp');
  assert.equal(await titleOf({ builtinDir: dir, compiledCatalog: garbled, tsRules }), folderTitle);

  // An author edits a rule folder after the build: the edit is what loads.
  const readme = join(dir, 'bsl-unavailable', 'README.md');
  await writeFile(readme, (await readFile(readme, 'utf8')).replace('## How to fix\n', '## How to fix\n\nEdited after the build.\n'));
  const edited = (await loadRules({ builtinDir: dir, compiledCatalog: await writeCompiled(catalog), tsRules })).rules.find((r) => r.meta.id === 'bsl-unavailable')!;
  assert.equal(edited.meta.title, folderTitle);
  assert.match(edited.meta.remediation, /^Edited after the build\./);
});

test('a new or removed rule folder makes the compiled catalog stale', async () => {
  const dir = await rulesCopy();
  const catalog = await compileCatalog(dir, tsRules);
  catalog.sources.yamlRules[0]!.spec.title = 'from the compiled catalog';
  await cp(join(BUILTIN_RULES_DIR, 'bsl-unavailable'), join(dir, 'bsl-unavailable-copy'), { recursive: true });
  await rm(join(dir, 'bsl-unavailable-copy'), { recursive: true });
  assert.equal(await titleOf({ builtinDir: dir, compiledCatalog: await writeCompiled(catalog), tsRules }), 'from the compiled catalog');
  await cp(join(BUILTIN_RULES_DIR, 'backup-failed'), join(dir, 'backup-failed'), { recursive: true });
  const set = await loadRules({ builtinDir: dir, compiledCatalog: await writeCompiled(catalog), tsRules });
  assert.deepEqual(set.rules.map((r) => r.meta.id).sort(), ['backup-failed', 'backup-stuck', 'bsl-unavailable']);
  assert.notEqual(set.rules.find((r) => r.meta.id === 'bsl-unavailable')!.meta.title, 'from the compiled catalog');
});

test('compiling a catalog makes every check loading its folders makes: a bad rule fails the build', async () => {
  const dir = await rulesCopy();
  const rule = join(dir, 'bsl-unavailable', 'rule.yaml');
  const text = await readFile(rule, 'utf8');
  await writeFile(rule, text.replace(/^severity: .*$/m, 'severity: dire'));
  await assert.rejects(compileCatalog(dir, tsRules), /bsl-unavailable\/rule\.yaml: severity: must be one of/);
  await writeFile(rule, `${text}\ngroup: "{{#if}}"\n`);
  await assert.rejects(compileCatalog(dir, tsRules), /bsl-unavailable\/rule\.yaml: group: invalid template/);
  await writeFile(rule, text);
  await assert.rejects(compileCatalog(dir, []), /backup-stuck: no rule\.yaml, and no TypeScript rule "backup-stuck" is registered/);
  const readme = join(dir, 'backup-stuck', 'README.md');
  await writeFile(readme, (await readFile(readme, 'utf8')).replace('## Links', '## Linkz'));
  await assert.rejects(compileCatalog(dir, tsRules), /backup-stuck\/README\.md: ## Linkz: unknown section/);
});
