// The TypeScript rules, run by the engine, never throw, whatever shape the objects they read have (fields of the wrong type, missing, odd values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import type { KubeObject } from '../../src/model/kube.js';
import { BUILTIN_TS_RULES } from '../../src/catalog.js';
import { runRules } from '../support/rule-tester.js';

/** Every object of every kubectl-dump case of the TypeScript rules. */
function fixtureObjects(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const rule of BUILTIN_TS_RULES) {
    const dir = join('rules', rule.meta.id, 'cases');
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'objects.yaml');
      try {
        if (!statSync(file).isFile()) continue;
      } catch {
        continue;
      }
      const doc = YAML.parse(readFileSync(file, 'utf8')) as { items?: KubeObject[] };
      objects.push(...(doc.items ?? []));
    }
  }
  return objects;
}

/** Paths of every value in an object, as key lists. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function setAt(target: unknown, path: (string | number)[], replacement: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined) node[last] = replacement;
}

const weird = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom('2024-13-45T99:99:99Z', '', '*', 'restic', '0s', '@every x', 'true', 'v1.2.3.4'),
  fc.array(fc.string(), { maxLength: 3 }),
);

test('rules survive mutated objects', async () => {
  const ids = BUILTIN_TS_RULES.map((r) => r.meta.id);
  const base = fixtureObjects();
  assert.ok(base.length > 20);
  const now = new Date('2025-01-15T12:00:00Z');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat(), weird), { minLength: 1, maxLength: 8 }), async (mutations) => {
      const objects = structuredClone(base);
      for (const [which, where, value] of mutations) {
        const obj = objects[which % objects.length]!;
        const all = paths(obj).filter((p) => p.length > 0 && !(p.length === 1 && (p[0] === 'kind' || p[0] === 'metadata')) && !(p.length === 2 && p[0] === 'metadata' && p[1] === 'name'));
        const path = all[where % all.length];
        if (path) setAt(obj, path, value);
      }
      // The engine turns a rule that throws into a problem: none may appear.
      const { problems } = await runRules(ids, { objects, velero: '1.16.1', kubernetes: '1.30.2', kots: '1.124.3' }, now);
      assert.deepEqual(problems, []);
    }),
    { numRuns: 100, seed: 42 },
  );
});
