// Every case of every rule (rules/<id>/cases/<case>/) through the rule tester, and the healthy fixtures stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../src/analyze.js';
import { loadCatalog } from '../src/catalog.js';
import { isAtLeast } from '../src/constants.js';
import { casesDir, entries, runCase } from './support/rule-tester.js';

const HEALTHY = 'fixtures/healthy';

const ruleSet = await loadCatalog();

for (const rule of ruleSet.rules) {
  const id = rule.meta.id;
  test(`rule ${id}`, async (t) => {
    const caseNames = await entries(casesDir(id));
    assert.ok(caseNames.length > 0, `rule ${id} has no test cases in rules/${id}/cases/`);
    const fired: boolean[] = [];
    for (const name of caseNames) {
      await t.test(`${id}/${name}`, async () => {
        fired.push((await runCase(id, name)).fires);
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
