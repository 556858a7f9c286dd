// The rule-case harness: every case of every rule (rules/<id>/cases/<case>/), and the healthy fixtures stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../src/analyze.js';
import { isAtLeast, isSeverity, type Severity } from '../src/constants.js';
import { loadCatalog } from '../src/catalog.js';
import type { Finding } from '../src/report/types.js';

const RULES = 'rules';
const casesOf = (id: string) => join(RULES, id, 'cases');
const HEALTHY = 'fixtures/healthy';
/** The clock for cases whose inputs do not say when they were collected (a case may pin its own `now`). */
const DEFAULT_NOW = '2025-01-15T12:00:00Z';

interface CaseSpec {
  description?: string;
  fires: boolean;
  now?: string;
  expect?: {
    findings?: number;
    severity?: Severity;
    count?: number;
    messageContains?: string[];
    resources?: { kind: string; name: string; namespace?: string }[];
    /** The root causes some finding names (`[]`: a finding that names none). */
    explainedBy?: string[];
  };
}

async function entries(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((n) => !n.startsWith('.')).sort() : [];
}

async function readCase(dir: string): Promise<CaseSpec> {
  const spec = parse(await readFile(join(dir, 'case.yaml'), 'utf8')) as CaseSpec | null;
  if (!spec || typeof spec.fires !== 'boolean') throw new Error(`${dir}/case.yaml: "fires: true|false" is required`);
  if (spec.expect?.severity !== undefined && !isSeverity(spec.expect.severity)) throw new Error(`${dir}/case.yaml: expect.severity: unknown severity`);
  return spec;
}

function describe(findings: Finding[]): string {
  return findings.length === 0 ? 'none' : findings.map((f) => `[${f.severity}] ${f.message} (count ${f.count})`).join('\n  ');
}

const ruleSet = await loadCatalog();

for (const rule of ruleSet.rules) {
  const id = rule.meta.id;
  test(`rule ${id}`, async (t) => {
    const caseNames = await entries(casesOf(id));
    assert.ok(caseNames.length > 0, `rule ${id} has no test cases in ${casesOf(id)}/`);
    const fired: boolean[] = [];
    for (const name of caseNames) {
      const dir = join(casesOf(id), name);
      await t.test(`${id}/${name}`, async () => {
        const spec = await readCase(dir);
        fired.push(spec.fires);
        const inputs = (await entries(dir)).filter((n) => n !== 'case.yaml').map((n) => join(dir, n));
        assert.ok(inputs.length > 0, `${dir}: a case needs at least one input beside case.yaml`);
        const report = await analyze(inputs, { now: new Date(spec.now ?? DEFAULT_NOW) });
        const mine = report.findings.filter((f) => f.ruleId === id);
        const where = `rule ${id}, case ${name}`;
        if (!spec.fires) {
          assert.equal(mine.length, 0, `${where}: expected no finding, got:\n  ${describe(mine)}`);
          return;
        }
        assert.ok(mine.length > 0, `${where}: expected the rule to fire; it did not (problems: ${JSON.stringify(report.problems)})`);
        const expect = spec.expect ?? {};
        if (expect.findings !== undefined) assert.equal(mine.length, expect.findings, `${where}: findings:\n  ${describe(mine)}`);
        if (expect.severity !== undefined) assert.ok(mine.some((f) => f.severity === expect.severity), `${where}: expected severity ${expect.severity}:\n  ${describe(mine)}`);
        if (expect.count !== undefined) assert.ok(mine.some((f) => f.count === expect.count), `${where}: expected count ${expect.count}:\n  ${describe(mine)}`);
        for (const text of expect.messageContains ?? []) {
          assert.ok(mine.some((f) => f.message.includes(text)), `${where}: no message contains "${text}":\n  ${describe(mine)}`);
        }
        for (const r of expect.resources ?? []) {
          const found = mine.some((f) => f.resources.some((x) => x.kind === r.kind && x.name === r.name && (r.namespace === undefined || x.namespace === r.namespace)));
          assert.ok(found, `${where}: no finding names ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${JSON.stringify(mine.map((f) => f.resources))}`);
        }
        if (expect.explainedBy !== undefined) {
          const wanted = [...expect.explainedBy].sort().join(', ');
          const got = mine.map((f) => [...(f.explainedBy ?? [])].sort().join(', '));
          assert.ok(got.includes(wanted), `${where}: expected a finding explained by [${wanted}], got: ${JSON.stringify(got)}`);
        }
      });
    }
    assert.ok(fired.includes(true), `rule ${id} needs a case that fires (fires: true)`);
    assert.ok(fired.includes(false), `rule ${id} needs a case that must not fire (fires: false)`);
  });
}

test('explainedBy names rules that exist', () => {
  const ids = new Set(ruleSet.rules.map((r) => r.meta.id));
  const unknown = ruleSet.rules.flatMap((r) => (r.meta.explainedBy ?? []).filter((id) => !ids.has(id)).map((id) => `${r.meta.id} -> ${id}`));
  assert.deepEqual(unknown, [], 'explainedBy ids without a rule');
});

test('rule folders belong to known rules', async () => {
  const ids = new Set(ruleSet.rules.map((r) => r.meta.id));
  const orphans = (await entries(RULES)).filter((name) => !ids.has(name));
  assert.deepEqual(orphans, [], `rules/ folders without a rule: ${orphans.join(', ')}`);
});

for (const name of await entries(HEALTHY)) {
  test(`healthy fixture ${name}: no finding at warning or above`, async () => {
    // Judged as of their own collection time: a cluster is healthy when it was collected, not months later.
    const report = await analyze(join(HEALTHY, name));
    const loud = report.findings.filter((f) => isAtLeast(f.severity, 'warning'));
    assert.deepEqual(
      loud.map((f) => `${f.ruleId}: [${f.severity}] ${f.message}`),
      [],
      `healthy fixture ${name} gave findings at warning or above`,
    );
  });
}
