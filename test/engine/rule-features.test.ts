// Rule-format features: reserved capture names, notMatches, in / notIn on missing fields, template helpers, variant choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery, runQuery } from '../../src/engine/query.js';
import { checkTemplate, compileTemplate } from '../../src/engine/templates.js';
import type { RuleContext } from '../../src/engine/types.js';
import { FieldError } from '../../src/engine/field-error.js';
import { captureNames, compileYamlRule, leadOf, type YamlRuleSpec } from '../../src/engine/yaml-rule.js';
import type { KubeObject } from '../../src/model/kube.js';

const spec = (match: YamlRuleSpec['match']): YamlRuleSpec => ({
  id: 'r', title: 'R', severity: 'error', category: 'backup', summary: 's', description: 'd', remediation: 'x', docs: [], match, message: 'm',
});

test('a capture named like a template name is refused, naming the field', () => {
  assert.deepEqual(captureNames('a (?<kind>\\w+) \\(?<x> (?<=y)(?<reason>.+)'), ['kind', 'reason']);
  assert.throws(() => compileYamlRule(spec({ logs: [{ regex: 'custom resource (?<kind>\\w+) missing' }] })), (e: unknown) => e instanceof FieldError && e.field === 'match.logs[0].regex' && /"kind" is reserved/.test(e.message));
  assert.throws(
    () => compileYamlRule(spec({ objects: [{ kind: 'Backup', where: { 'status.failureReason': { matches: '(?<count>\\d+)' } } }] })),
    (e: unknown) => e instanceof FieldError && e.field === 'match.objects[0].where.status.failureReason.matches',
  );
  assert.doesNotThrow(() => compileYamlRule(spec({ logs: [{ regex: 'BackupStorageLocation "(?<location>\\w+)" is unavailable' }] })));
});

const backup = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'b', namespace: 'velero' }, status }) as KubeObject;
const holds = (where: Parameters<typeof compileQuery>[1], obj: KubeObject) => runQuery(compileQuery('Backup', where), [obj], new Date()).length === 1;

test('notMatches holds when no value matches (a missing field included)', () => {
  assert.equal(holds({ 'status.failureReason': { notMatches: 'already exists' } }, backup({ failureReason: 'timed out' })), true);
  assert.equal(holds({ 'status.failureReason': { notMatches: 'ALREADY', flags: 'i' } }, backup({ failureReason: 'already exists' })), false);
  assert.equal(holds({ 'status.failureReason': { notMatches: 'x' } }, backup({})), true);
  assert.equal(holds({ 'status.errors': { notMatches: 'bad' } }, backup({ errors: ['ok', 'bad one'] })), false);
});

test('in never holds on a missing field; notIn always does; null in the list is refused', () => {
  assert.equal(holds({ 'status.phase': { in: ['Failed'] } }, backup({})), false);
  assert.equal(holds({ 'status.phase': { notIn: ['Failed'] } }, backup({})), true);
  assert.equal(holds({ 'status.phase': { in: ['Failed'] } }, backup({ phase: null })), false);
  assert.equal(holds({ 'status.phase': { notIn: ['Failed'] } }, backup({ phase: [] })), true);
  assert.throws(() => compileQuery('Backup', { 'status.phase': { in: ['Failed', null] } }), (e: unknown) => (e as { field?: string }).field === 'where.status.phase' && /use `exists: false`/.test((e as Error).message));
});

test('template helpers: unescape, shortName, replace, eq, or', () => {
  const render = (source: string, context: object) => compileTemplate(source)(context);
  assert.equal(render('{{unescape e}}', { e: 'open \\"/x\\": C:\\\\dir' }), 'open "/x": C:\\dir');
  assert.equal(render('{{shortName b}} {{shortName c}}', { b: 'velero/nightly', c: 'nightly' }), 'nightly nightly');
  assert.equal(render('{{replace t "a" "o"}}', { t: 'banana' }), 'bonono');
  assert.equal(render('{{#if (eq n 3)}}three{{else}}other{{/if}}', { n: '3' }), 'three');
  assert.equal(render('{{#if (eq n 3)}}three{{else}}other{{/if}}', {}), 'other');
  assert.equal(render('{{or a b "none"}}', { b: 'bee' }), 'bee');
  assert.equal(render('{{#if (or a b)}}yes{{else}}no{{/if}}', { a: '', b: [] }), 'no');
});

test('mixed variants: the most severe variant speaks, then the most frequent, then the first', () => {
  const warn = { message: 'w', severity: 'warning' as const };
  const crit = { message: 'c', severity: 'critical' as const };
  const plain = { message: 'p' };
  const none = {};
  const hits = (...variants: object[]) => variants.map((variant, i) => ({ variant, i }));
  assert.equal(leadOf(hits(warn, warn, crit, none), 'error').i, 2);
  assert.equal(leadOf(hits(plain, warn, warn, { message: 'q' }), 'warning').i, 1);
  const q = { message: 'q' };
  assert.equal(leadOf(hits(plain, q, q), 'error').i, 1);
  assert.equal(leadOf(hits(none, none), 'error').i, 0);
});

test('equality-indexed candidates give the same matches as a full walk', async () => {
  const { candidatesOf } = await import('../../src/engine/query.js');
  const many = Array.from({ length: 200 }, (_, i) => backup({ phase: i % 3 === 0 ? 'Failed' : i % 3 === 1 ? 'Completed' : undefined, errors: i }));
  const query = compileQuery('Backup', { 'status.errors': { gt: 10 }, 'status.phase': 'Failed' });
  const now = new Date();
  assert.deepEqual(runQuery(query, candidatesOf(query, many), now).map((m) => m.object), runQuery(query, many, now).map((m) => m.object));
  assert.equal(candidatesOf(query, many).length, 67);
  const mixed = [...many, backup({ phase: ['Failed'] })];
  assert.equal(candidatesOf(query, mixed), mixed, 'a path reaching an array is not indexed');
  many.push(backup({ phase: 'Failed', errors: 99 }));
  assert.equal(candidatesOf(query, many).length, 68, 'a list that grew is indexed afresh');
});

test('a rule the build checked compiles when it first runs; an unchecked one is checked at once', () => {
  const bad = { ...spec({ logs: [{ regex: 'words (?<kind>\\w+)' }] }), message: 'bad {{#if}}' };
  assert.throws(() => compileYamlRule(bad), (e: unknown) => e instanceof FieldError);
  // Checked at build time (a compiled catalog): the checks are not made again, and templates compile
  // when they first render (this rule has nothing to render here).
  const rule = compileYamlRule(bad, { checked: true });
  assert.equal(rule.meta.id, bad.id);
  const ctx = { bundle: { objects: { list: () => [] } }, now: new Date(), hits: () => [], hitCount: () => 0, report() {} } as unknown as RuleContext;
  assert.doesNotThrow(() => rule.check(ctx));
});

test('templates compile on first render; text without {{ is its own rendering', () => {
  const render = compileTemplate('{{#if}}');
  assert.throws(() => render({}), /Parse error|Expecting/);
  checkTemplate('plain {not a template}');
  assert.throws(() => checkTemplate('bad {{#if}}'), /Parse error|Expecting/);
  const plain = 'Run `velero backup describe x` \\ then {retry}';
  assert.equal(compileTemplate(plain)({}), plain);
});
