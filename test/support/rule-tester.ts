// The rule tester: a rule's cases (rules/<id>/cases/<case>/) through the real readers and engine, and one rule on an in-memory Bundle.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../../src/analyze.js';
import { BUILTIN_RULES_DIR, loadCatalog } from '../../src/catalog.js';
import { isSeverity, type Severity } from '../../src/constants.js';
import { evaluate, loadRules, type RuleSet } from '../../src/engine/index.js';
import type { Finding } from '../../src/report/types.js';
import { makeBundle, type BundleSpec } from '../engine/support.js';
import { reportWordingFaults } from './words.js';

/** The clock for cases whose inputs do not say when they were collected (a case may pin its own `now`). */
export const DEFAULT_NOW = '2025-01-15T12:00:00Z';

/** A case's case.yaml. */
export interface CaseSpec {
  description?: string;
  fires: boolean;
  now?: string;
  expect?: {
    findings?: number;
    severity?: Severity;
    count?: number;
    messageContains?: string[];
    /** Text the reason for an adjusted severity holds (Finding.severityReason). */
    severityReasonContains?: string;
    resources?: { kind: string; name: string; namespace?: string }[];
    /** The root causes some finding names (`[]`: a finding that names none). */
    explainedBy?: string[];
  };
}

/** The names in a folder, hidden ones left out, sorted; none when it does not exist. */
export async function entries(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((n) => !n.startsWith('.')).sort() : [];
}

export const casesDir = (id: string): string => join(BUILTIN_RULES_DIR, id, 'cases');

export async function readCase(dir: string): Promise<CaseSpec> {
  const spec = parse(await readFile(join(dir, 'case.yaml'), 'utf8')) as CaseSpec | null;
  if (!spec || typeof spec.fires !== 'boolean') throw new Error(`${dir}/case.yaml: "fires: true|false" is required`);
  if (spec.expect?.severity !== undefined && !isSeverity(spec.expect.severity)) throw new Error(`${dir}/case.yaml: expect.severity: unknown severity`);
  return spec;
}

function describe(findings: Finding[]): string {
  return findings.length === 0 ? 'none' : findings.map((f) => `[${f.severity}] ${f.message} (count ${f.count})`).join('\n  ');
}

/**
 * Analyzes one case folder (every file beside case.yaml is an input) as a user would, and checks the
 * rule's findings against case.yaml. Returns the case's spec.
 */
export async function runCase(id: string, name: string): Promise<CaseSpec> {
  const dir = join(casesDir(id), name);
  const spec = await readCase(dir);
  const inputs = (await entries(dir)).filter((n) => n !== 'case.yaml').map((n) => join(dir, n));
  assert.ok(inputs.length > 0, `${dir}: a case needs at least one input beside case.yaml`);
  const report = await analyze(inputs, { now: new Date(spec.now ?? DEFAULT_NOW) });
  const mine = report.findings.filter((f) => f.ruleId === id);
  const where = `rule ${id}, case ${name}`;
  assert.deepEqual(reportWordingFaults(report), [], `${where}: words a person would not write`);
  if (!spec.fires) {
    assert.equal(mine.length, 0, `${where}: expected no finding, got:\n  ${describe(mine)}`);
    return spec;
  }
  assert.ok(mine.length > 0, `${where}: expected the rule to fire; it did not (problems: ${JSON.stringify(report.problems)})`);
  const expect = spec.expect ?? {};
  if (expect.findings !== undefined) assert.equal(mine.length, expect.findings, `${where}: findings:\n  ${describe(mine)}`);
  if (expect.severity !== undefined) assert.ok(mine.some((f) => f.severity === expect.severity), `${where}: expected severity ${expect.severity}:\n  ${describe(mine)}`);
  if (expect.count !== undefined) assert.ok(mine.some((f) => f.count === expect.count), `${where}: expected count ${expect.count}:\n  ${describe(mine)}`);
  for (const text of expect.messageContains ?? []) {
    assert.ok(mine.some((f) => f.message.includes(text)), `${where}: no message contains "${text}":\n  ${describe(mine)}`);
  }
  if (expect.severityReasonContains !== undefined) {
    const wanted = expect.severityReasonContains;
    assert.ok(mine.some((f) => f.severityReason?.includes(wanted)), `${where}: no severity reason contains "${wanted}": ${JSON.stringify(mine.map((f) => f.severityReason))}`);
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
  return spec;
}

/** The catalog's rules of these ids, alone in a RuleSet (documentation and patterns as loaded). */
export async function ruleSetOf(...ids: string[]): Promise<RuleSet> {
  const rules = (await loadCatalog()).rules.filter((r) => ids.includes(r.meta.id));
  assert.equal(rules.length, ids.length, `no rule among ${ids.join(', ')}`);
  return loadRules({ tsRules: rules });
}

/** Runs catalog rules through the engine on an in-memory Bundle; their findings, and the bundle (its problems). */
export async function runRules(ids: string[], spec: BundleSpec, now: Date): Promise<{ findings: Finding[]; problems: string[] }> {
  const set = await ruleSetOf(...ids);
  const bundle = await makeBundle(set.createScanner(), spec);
  const { findings } = evaluate(set, bundle, { now });
  return { findings, problems: bundle.problems.map((p) => `${p.source}: ${p.message}`) };
}

/** One catalog rule's findings on an in-memory Bundle; a rule that throws fails the test. */
export async function runRule(id: string, spec: BundleSpec, now: Date): Promise<Finding[]> {
  const { findings, problems } = await runRules([id], spec, now);
  assert.deepEqual(problems, [], `rule ${id} failed`);
  return findings;
}
