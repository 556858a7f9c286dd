// Each command loads only what it needs: the Kubernetes client only for collect/diagnose, no engine or formatters for --help, no YAML or schema checks for the compiled catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileBuiltinCatalog } from '../src/catalog.js';
import { catalogTemplates, precompileTemplates } from '../src/engine/index.js';
import { tempDir } from './support/temp.js';

const dir = tempDir('sd-lazy-');

/** The URLs of every module the CLI (sources, through tsx) resolves for `argv`, recorded by a resolve hook. */
function modulesLoadedBy(argv: string[]): string[] {
  return modulesLoadedByScript(`import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(argv)});`);
}

/** The URLs of every module an ES module script (run from the repository, through tsx) resolves. */
function modulesLoadedByScript(script: string): string[] {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
  const register = join(dir, 'register.mjs');
  // CommonJS packages loaded with require() (handlebars, cron-parser) pass no resolve hook: the require cache lists them.
  writeFileSync(
    register,
    `import { createRequire, register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      "const cache = createRequire(import.meta.url).cache; process.on('exit', () => { for (const file of Object.keys(cache)) process.stderr.write('LOADED file://' + file + '\\n'); });\n",
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
}

test('--help loads neither the Kubernetes client, the engine, handlebars nor the formatters', () => {
  const loaded = modulesLoadedBy(['--help']);
  assert.ok(loaded.some((u) => u.includes('/cli/main')), 'the hook saw the CLI load');
  for (const heavy of ['@kubernetes/client-node', '/handlebars/', '/ajv/', '/src/engine/', '/src/formatters/html']) {
    assert.equal(loaded.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded by --help`);
  }
});

test('analyze of a folder, not on a terminal, loads neither the Kubernetes client, tar nor the progress bar', () => {
  const loaded = modulesLoadedBy(['analyze', 'fixtures/sample-bundle', '--format', 'json', '--fail-on', 'none']);
  assert.ok(loaded.some((u) => u.includes('/src/engine/')), 'the hook saw the engine load');
  for (const heavy of ['@kubernetes/client-node', '/node_modules/tar/', '/node_modules/cli-progress/']) {
    assert.equal(loaded.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded`);
  }
});

test('the built-in catalog from its compiled form loads neither yaml, ajv nor handlebars; vendor rules load yaml and ajv', async () => {
  // The built CLI loads dist/catalog.json (src/catalog.ts); from the sources, a compiled catalog is made here.
  const compiled = join(dir, 'catalog.json');
  writeFileSync(compiled, JSON.stringify(await compileBuiltinCatalog()));
  const load = (rulesDirs: string[]) =>
    modulesLoadedByScript(
      "import { BUILTIN_RULES_DIR, BUILTIN_TS_RULES } from './src/catalog.ts'; import { loadRules } from './src/engine/index.ts';" +
        `const set = await loadRules({ builtinDir: BUILTIN_RULES_DIR, compiledCatalog: ${JSON.stringify(compiled)}, tsRules: BUILTIN_TS_RULES, rulesDirs: ${JSON.stringify(rulesDirs)} });` +
        'if (set.rules.length < 90 || set.createScanner().patterns.length < 100) throw new Error(`${set.rules.length} rules`);',
    );
  const builtin = load([]);
  assert.ok(builtin.some((u) => u.includes('/src/engine/load')), 'the hook saw the engine load');
  for (const heavy of ['/node_modules/yaml/', '/node_modules/ajv/', '/node_modules/handlebars/', '/node_modules/cron-parser/', '/src/engine/rule-files']) {
    assert.equal(builtin.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded for the built-in catalog`);
  }
  const vendorRule = join(dir, 'vendor-rule.yaml');
  writeFileSync(vendorRule, 'id: vendor-rule\ntitle: V\nseverity: info\ncategory: backup\nsummary: s.\ndescription: d.\nremediation: r.\ndocs: [https://velero.io/docs/]\nmessage: m\nmatch:\n  logs: [{ regex: vendor words }]\n');
  const vendor = load([vendorRule]);
  for (const needed of ['/node_modules/yaml/', '/node_modules/ajv/']) assert.ok(vendor.some((u) => u.includes(needed)), `${needed} is not loaded for a vendor rule`);
});

test('the rule list from the compiled catalog loads no rule, no rule engine, and no yaml, ajv or handlebars', async () => {
  const compiled = join(dir, 'catalog-for-list.json');
  writeFileSync(compiled, JSON.stringify(await compileBuiltinCatalog()));
  const loaded = modulesLoadedByScript(
    "import { catalogMetas } from './src/catalog-meta.ts';" +
      `const metas = await catalogMetas([], ${JSON.stringify(compiled)});` +
      'if (metas.length < 90 || !metas.every((m) => m.id && m.title && m.description)) throw new Error(`${metas.length} rules`);',
  );
  assert.ok(loaded.some((u) => u.includes('/src/catalog-meta')), 'the hook saw the catalog load');
  for (const heavy of ['/node_modules/yaml/', '/node_modules/ajv/', '/node_modules/handlebars/', '/rules/', '/src/catalog.ts', '/src/engine/load', '/src/engine/yaml-rule']) {
    assert.equal(loaded.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded for the rule list`);
  }
});

test('JSON and text reports load no template engine; HTML loads handlebars for its template', () => {
  const format = (name: string) =>
    modulesLoadedByScript(
      "import { readFileSync } from 'node:fs'; import { formatReport } from './src/formatters/index.ts';" +
        `const out = formatReport(JSON.parse(readFileSync('fixtures/reports/broken.json', 'utf8')), '${name}');` +
        "if (!out.includes('objstore-access-denied')) throw new Error('no finding rendered');",
    );
  for (const name of ['json', 'text']) assert.equal(format(name).find((u) => u.includes('/node_modules/handlebars/')), undefined, `handlebars is loaded for ${name}`);
  assert.ok(format('html').some((u) => u.includes('/node_modules/handlebars/')));
});

test('ajv and yaml load for a --config file only', () => {
  const script = (read: boolean) =>
    "import { loadConfig } from './src/config/index.ts'; import { writeFileSync } from 'node:fs';" +
    `const file = ${JSON.stringify(join(dir, 'config.yaml'))}; writeFileSync(file, 'ignores: []\\n');` +
    (read ? 'await loadConfig(file);' : 'void loadConfig;');
  const without = modulesLoadedByScript(script(false));
  for (const heavy of ['/node_modules/yaml/', '/node_modules/ajv/']) assert.equal(without.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded with no config`);
  const withConfig = modulesLoadedByScript(script(true));
  for (const needed of ['/node_modules/yaml/', '/node_modules/ajv/']) assert.ok(withConfig.some((u) => u.includes(needed)), `${needed} is not loaded for a config`);
});

test('findings from the compiled catalog render their templates precompiled, without handlebars\' compiler', async () => {
  const compiled = join(dir, 'catalog-for-findings.json');
  const templates = join(dir, 'rule-templates.json');
  const catalog = await compileBuiltinCatalog();
  writeFileSync(compiled, JSON.stringify(catalog));
  writeFileSync(templates, precompileTemplates(catalogTemplates(catalog)));
  const loaded = modulesLoadedByScript(
    "import { BUILTIN_RULES_DIR, BUILTIN_TS_RULES } from './src/catalog.ts'; import { evaluate, loadRules, usePrecompiledTemplates } from './src/engine/index.ts'; import { readInputs } from './src/readers/index.ts';" +
      `usePrecompiledTemplates(${JSON.stringify(templates)});` +
      `const set = await loadRules({ builtinDir: BUILTIN_RULES_DIR, compiledCatalog: ${JSON.stringify(compiled)}, tsRules: BUILTIN_TS_RULES });` +
      "const bundle = await readInputs(['fixtures/sample-bundle'], { scanner: set.createScanner() });" +
      'const { findings } = evaluate(set, bundle, { now: new Date(bundle.collectedAt) });' +
      "if (findings.length < 5 || findings.some((f) => f.message.includes('{{'))) throw new Error(`${findings.length} findings`);",
  );
  assert.ok(loaded.some((u) => u.includes('/node_modules/handlebars/dist/cjs/handlebars.runtime')), 'the runtime rendered them');
  for (const heavy of ['/node_modules/handlebars/dist/cjs/handlebars/compiler/', '/node_modules/source-map/']) {
    assert.equal(loaded.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded`);
  }
});
