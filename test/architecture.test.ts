// Which layer may load which: the engine never loads a built-in rule, formatters never load the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The modules a file loads when it runs: static and dynamic imports and re-exports, not `import type`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(statement)) if (!m[1]) specifiers.push(m[2]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
    .filter((path) => existsSync(path));
}

/** Every module `file` loads, directly or through others. */
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(file)];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...runtimeImports(next));
  }
  seen.delete(resolve(file));
  return seen;
}

const rel = (path: string) => relative(ROOT, path);

test('the import scan sees static, re-exported and dynamic imports but not type imports', () => {
  const analyze = [...closure('src/analyze.ts')].map(rel);
  assert.ok(analyze.includes('src/catalog.ts'), 'analyze loads the catalog');
  assert.ok(analyze.includes('rules/backup-stuck/rule.ts'), 'the catalog loads the TypeScript rules');
  assert.ok(!analyze.includes('src/report/types.ts'), 'a module imported only with `import type` is not loaded');
});

test('no module under src/engine loads a built-in rule or the catalog', () => {
  for (const file of sourceFiles('src/engine')) {
    const loaded = [...closure(file)].map(rel).filter((path) => path.startsWith('rules/') || path === 'src/catalog.ts' || path.startsWith('src/rules/'));
    assert.deepEqual(loaded, [], `${file} loads built-in rules`);
  }
});

test('no module under src/formatters loads the engine', () => {
  for (const file of sourceFiles('src/formatters')) {
    const loaded = [...closure(file)].map(rel).filter((path) => path.startsWith('src/engine/') || path === 'src/catalog.ts' || path.startsWith('rules/'));
    assert.deepEqual(loaded, [], `${file} loads the engine`);
  }
});

test('the engine owns its output types: nothing under src/engine imports the report, not even a type', () => {
  for (const file of sourceFiles('src/engine')) {
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    const report = specifiers.filter((s) => s.startsWith('.') && rel(resolve(dirname(file), s)).startsWith('src/report/'));
    assert.deepEqual(report, [], `${file} imports the report`);
  }
});

test('one string order: no module sorts with localeCompare (its order depends on the ICU data at hand)', () => {
  const users = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'rules'))]
    .filter((file) => /\.localeCompare\(/.test(readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
    .map((file) => relative(ROOT, file));
  assert.deepEqual(users, [], 'use byCodeUnits from src/util/compare.ts');
});
