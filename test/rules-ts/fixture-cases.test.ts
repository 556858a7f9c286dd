// Runs the TypeScript rules' kubectl-dump and log fixture cases through a stand-in reader, checking fires / stays silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { BUILTIN_TS_RULES } from '../../src/catalog.js';
import { bundleFromCase, runRule } from './support/harness.js';

const DEFAULT_NOW = '2025-01-15T12:00:00Z';

interface CaseSpec {
  fires: boolean;
  now?: string;
  expect?: { findings?: number; severity?: string; messageContains?: string[] };
}

for (const rule of BUILTIN_TS_RULES) {
  const dir = join('rules', rule.meta.id, 'cases');
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const caseDir = join(dir, name);
    // Cases laid out as a whole bundle (folders) need the real readers: test/rules.test.ts runs them.
    if (readdirSync(caseDir).some((f) => statSync(join(caseDir, f)).isDirectory())) continue;
    test(`${rule.meta.id}/${name}`, async () => {
      const spec = YAML.parse(readFileSync(join(caseDir, 'case.yaml'), 'utf8')) as CaseSpec;
      const { bundle } = await bundleFromCase(caseDir);
      // The same clock as test/rules.test.ts: the case's own `now`, else a fixed date.
      const findings = runRule(rule, bundle, new Date(spec.now ?? DEFAULT_NOW));
      if (!spec.fires) {
        assert.deepEqual(findings.map((f) => f.message), []);
        return;
      }
      assert.ok(findings.length > 0, 'expected the rule to fire');
      if (spec.expect?.findings !== undefined) assert.equal(findings.length, spec.expect.findings, findings.map((f) => f.message).join('\n'));
      if (spec.expect?.severity) assert.equal(findings[0]?.severity ?? rule.meta.severity, spec.expect.severity);
      for (const text of spec.expect?.messageContains ?? []) {
        assert.ok(findings.some((f) => f.message.includes(text)), `no message contains ${JSON.stringify(text)}:\n${findings.map((f) => f.message).join('\n')}`);
      }
    });
  }
}
