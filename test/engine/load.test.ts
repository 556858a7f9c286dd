// Rule loading: rule folders and YAML files, schema validation with errors that name the file and the field, duplicates, literals, templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCatalog } from '../../src/catalog.js';
import { loadRules } from '../../src/engine/index.js';
import { RuleFileError } from '../../src/errors.js';
import type { RuleDefinition, RuleModule } from '../../src/engine/types.js';

const BASE = `id: sample-rule
title: Sample
severity: error
category: backup
summary: A sample.
description: Sample.
remediation: Fix it.
docs: [https://velero.io/docs/]
message: "Sample {{line.msg}}"
`;

async function withRules(files: Record<string, string>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-rules-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadError(text: string): Promise<RuleFileError> {
  let caught: unknown;
  await withRules({ 'bad.yaml': text }, async (dir) => {
    try {
      await loadRules({ tsRules: [], rulesDirs: [dir] });
    } catch (error) {
      caught = error;
    }
  });
  assert.ok(caught instanceof RuleFileError, `expected a RuleFileError, got ${String(caught)}`);
  return caught;
}

test('a bad regex names the file and match.logs[0].regex', async () => {
  const e = await loadError(`${BASE}match:\n  logs:\n    - regex: 'unclosed (group'\n`);
  assert.match(e.message, /bad\.yaml: match\.logs\[0\]\.regex: invalid regular expression: /);
});

test('schema errors: unknown field, missing field, bad enum, bad severity in a variant', async () => {
  assert.match((await loadError(`${BASE}match:\n  logs:\n    - regex: 'some words'\n      levle: [error]\n`)).message, /bad\.yaml: match\.logs\[0\]\.levle: unknown field/);
  assert.match((await loadError(BASE.replace('title: Sample\n', '') + `match:\n  logs: [{ regex: 'some words' }]\n`)).message, /bad\.yaml: title: is required/);
  assert.match((await loadError(BASE.replace('category: backup', 'category: nope') + `match:\n  logs: [{ regex: 'some words' }]\n`)).message, /bad\.yaml: category: must be one of: install, /);
  assert.match((await loadError(`${BASE}match:\n  objects:\n    - kind: Backup\n      severity: huge\n`)).message, /bad\.yaml: match\.objects\[0\]\.severity: must be one of: critical/);
  assert.match((await loadError(`${BASE}match:\n  objects:\n    - kind: Backup\n      where: { status.phase: { matchez: x } }\n`)).message, /bad\.yaml: match\.objects\[0\]\.where\["status\.phase"\]/);
});

test('a regex without a usable literal is refused with a clear error; given literals are accepted', async () => {
  const e = await loadError(`${BASE}match:\n  logs:\n    - regex: '\\d+ ms'\n`);
  assert.match(e.message, /match\.logs\[0\]\.regex: no prefilter literal can be derived .*add `literals`/);
  await withRules({ 'ok.yaml': `${BASE}match:\n  logs:\n    - regex: '\\d+ ms'\n      literals: [' ms']\n` }, async (dir) => {
    const set = await loadRules({ tsRules: [], rulesDirs: [dir] });
    assert.deepEqual(set.patterns[0]!.literals, [' ms']);
  });
});

test('bad templates, ranges, durations and paths name their field', async () => {
  assert.match((await loadError(BASE.replace('Sample {{line.msg}}', 'Sample {{#if}}') + `match:\n  logs: [{ regex: 'some words' }]\n`)).message, /bad\.yaml: message: invalid template/);
  assert.match((await loadError(`${BASE}when: { velero: 'not a range' }\nmatch:\n  logs: [{ regex: 'some words' }]\n`)).message, /bad\.yaml: when\.velero: invalid semver range/);
  assert.match((await loadError(`${BASE}match:\n  logs: [{ regex: 'some words', velero: 'latest' }]\n`)).message, /match\.logs\[0\]\.velero: invalid semver range/);
  assert.match((await loadError(`${BASE}match:\n  objects: [{ kind: Backup, where: { status.startTimestamp: { olderThan: 3 parsecs } } }]\n`)).message, /match\.objects\[0\]\.where\.status\.startTimestamp: olderThan: invalid duration/);
  assert.match((await loadError(`${BASE}when: { any: [ { exists: { kind: Backup, where: { 'a[x': 1 } } } ] }\nmatch:\n  logs: [{ regex: 'some words' }]\n`)).message, /when\.any\[0\]\.exists\.where\.a\[x: invalid path/);
  assert.match((await loadError(`${BASE}match:\n  logs: [{ regex: 'some words' }\n`)).message, /bad\.yaml: invalid YAML/);
});

test('duplicate ids name both files', async () => {
  await withRules({ 'a.yaml': `${BASE}match:\n  logs: [{ regex: 'some words' }]\n`, 'b.yml': `${BASE}match:\n  logs: [{ regex: 'other words' }]\n` }, async (dir) => {
    await assert.rejects(loadRules({ tsRules: [], rulesDirs: [dir] }), (e: Error) => /b\.yml: id: duplicate rule id "sample-rule" \(also defined in .*a\.yaml\)/.test(e.message));
  });
  const ts: RuleDefinition = { meta: { id: 'sample-rule', title: 't', severity: 'info', category: 'backup', summary: 's', description: 'd', remediation: 'r', docs: [] }, check() {} };
  await withRules({ 'a.yaml': `${BASE}match:\n  logs: [{ regex: 'some words' }]\n` }, async (dir) => {
    await assert.rejects(loadRules({ tsRules: [ts], rulesDirs: [dir] }), /a\.yaml: id: duplicate rule id "sample-rule" \(also defined in TypeScript rule sample-rule\)/);
  });
});

test('a folder of vendor rules is read side by side but fails on its first bad file by name, whichever finishes first', async () => {
  const padding = `# ${'x'.repeat(200)}\n`.repeat(5000); // a large file, whose error is found last
  const files: Record<string, string> = {
    'a.yaml': padding + BASE.replace('Sample {{line.msg}}', 'Sample {{#if}}') + `match:\n  logs: [{ regex: 'some words' }]\n`,
    'z.yaml': 'id: [unclosed\n',
  };
  for (let i = 0; i < 20; i++) files[`m${String(i).padStart(2, '0')}.yaml`] = BASE.replace('sample-rule', `sample-${i}`) + `match:\n  logs: [{ regex: 'words ${i}' }]\n`;
  await withRules(files, async (dir) => {
    await assert.rejects(loadRules({ tsRules: [], rulesDirs: [dir] }), /a\.yaml: message: invalid template/);
    await rm(join(dir, 'a.yaml'));
    await assert.rejects(loadRules({ tsRules: [], rulesDirs: [dir] }), /z\.yaml: invalid YAML/);
    await rm(join(dir, 'z.yaml'));
    const set = await loadRules({ tsRules: [], rulesDirs: [dir] });
    assert.deepEqual(set.rules.map((r) => r.meta.id), Array.from({ length: 20 }, (_, i) => `sample-${i}`), 'in file order');
  });
});

test('a missing --rules directory is an error naming it; the built-in catalog loads', async () => {
  await assert.rejects(loadRules({ rulesDirs: ['/no/such/dir'] }), /\/no\/such\/dir: cannot read the rules directory \(ENOENT\)/);
  const set = await loadCatalog();
  for (const rule of set.rules) assert.match(rule.meta.id, /^[a-z0-9-]+$/);
  const ids = set.rules.map((r) => r.meta.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('TypeScript rule patterns are compiled into the same scanner, with errors naming the rule', async () => {
  const ts: RuleDefinition = {
    meta: { id: 'ts-rule', title: 't', severity: 'info', category: 'backup', summary: 's', description: 'd', remediation: 'r', docs: [] },
    logPatterns: [{ regex: '(' }],
    check() {},
  };
  await assert.rejects(loadRules({ tsRules: [ts] }), /TypeScript rule ts-rule: logPatterns\[0\]\.regex: invalid regular expression/);
});

const rule = (id: string) => `${BASE.replace('sample-rule', id)}match:\n  logs: [{ regex: 'words of ${id}' }]\n`;
const undocumented = (id: string) => rule(id).replace(/^(description|remediation|docs):.*\n/gm, '');
const README = `# b-rule

## What it means

The *hook* failed.

## Why it happens

Someone broke it.

## How to fix

\`\`\`sh
# not a section: a shell comment
kubectl -n {{default veleroNamespace "velero"}} get pods
\`\`\`

## Links

- https://velero.io/docs/main/backup-hooks/
- [Troubleshooting](https://velero.io/docs/main/troubleshooting/)
`;

test('--rules takes a folder of rule folders and YAML files, one rule folder, or one YAML file', async () => {
  const files = { 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README, 'b-rule/cases/fires/case.yaml': 'fires: true\n', 'a-rule.yaml': rule('a-rule'), 'c-rule.yml': rule('c-rule'), 'notes/x.txt': 'not a rule' };
  await withRules(files, async (dir) => {
    const ids = (path: string) => loadRules({ rulesDirs: [path] }).then((set) => set.rules.map((r) => [r.meta.id, r.origin, r.file]));
    assert.deepEqual((await ids(dir)).map(([id]) => id), ['a-rule', 'b-rule', 'c-rule']);
    assert.deepEqual(await ids(join(dir, 'b-rule')), [['b-rule', 'vendor', join(dir, 'b-rule', 'rule.yaml')]]);
    assert.deepEqual((await ids(join(dir, 'a-rule.yaml'))).map(([id]) => id), ['a-rule']);
  });
});

test('a rule folder whose id is not its name, and a vendor TypeScript rule, are refused naming the file', async () => {
  await withRules({ 'other-name/rule.yaml': rule('b-rule') }, async (dir) => {
    await assert.rejects(loadRules({ rulesDirs: [dir] }), /other-name\/rule\.yaml: id: the id "b-rule" is not the folder's name "other-name"/);
  });
  await withRules({ 'ts-rule/rule.ts': 'export {};\n' }, async (dir) => {
    await assert.rejects(loadRules({ rulesDirs: [dir] }), /ts-rule\/rule\.ts: TypeScript rules are built in only/);
  });
});

test('a built-in folder without rule.yaml is a registered TypeScript rule, else an error', async () => {
  const ts: RuleDefinition = { meta: { id: 'ts-rule', title: 't', severity: 'info', category: 'backup', summary: 's', description: 'd', remediation: 'r', docs: [] }, check() {} };
  await withRules({ 'ts-rule/rule.ts': 'export {};\n', 'y-rule/rule.yaml': rule('y-rule') }, async (dir) => {
    const set = await loadRules({ builtinDir: dir, tsRules: [ts] });
    assert.deepEqual(set.rules.map((r) => [r.meta.id, r.origin]), [['y-rule', 'builtin'], ['ts-rule', 'builtin']]);
  });
  await withRules({ 'ts-rule/rule.ts': 'export {};\n' }, async (dir) => {
    await assert.rejects(loadRules({ builtinDir: dir }), /ts-rule: no rule\.yaml, and no TypeScript rule "ts-rule" is registered/);
  });
});

test('the README.md of a rule folder documents it: description, remediation template, links', async () => {
  await withRules({ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README }, async (dir) => {
    const [loaded] = (await loadRules({ rulesDirs: [dir] })).rules;
    assert.equal(loaded!.meta.description, 'The *hook* failed.\n\nSomeone broke it.');
    assert.equal(loaded!.meta.remediation, '```sh\n# not a section: a shell comment\nkubectl -n {{default veleroNamespace "velero"}} get pods\n```');
    assert.deepEqual(loaded!.meta.docs, ['https://velero.io/docs/main/backup-hooks/', 'https://velero.io/docs/main/troubleshooting/']);
  });
});

test('README.md problems name the file and the section; documentation in both places is refused', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README.replace('## How to fix', '## How to fx') }, /b-rule\/README\.md: ## How to fx: unknown section/],
    [{ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README.replace('## Links', '## Why it happens') }, /b-rule\/README\.md: ## Why it happens: the section appears twice/],
    [{ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README.replace(/## Links[\s\S]*/, '') }, /b-rule\/README\.md: ## Links: the section is required/],
    [{ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README.replace('- https://velero.io/docs/main/backup-hooks/', '- see the docs') }, /## Links: not a link: "see the docs"/],
    [{ 'b-rule/rule.yaml': undocumented('b-rule'), 'b-rule/README.md': README.replace('get pods', 'get {{#if}}') }, /b-rule\/README\.md: ## How to fix: invalid template/],
    [{ 'b-rule/rule.yaml': rule('b-rule'), 'b-rule/README.md': README }, /b-rule\/rule\.yaml: description: documented in .*README\.md; remove it here/],
    [{ 'b-rule/rule.yaml': undocumented('b-rule') }, /b-rule\/rule\.yaml: description: is required \(here, or in a README\.md beside a rule\.yaml\)/],
  ];
  for (const [files, expected] of cases) {
    await withRules(files, async (dir) => {
      await assert.rejects(loadRules({ rulesDirs: [dir] }), expected);
    });
  }
});

test('a built-in TypeScript rule takes its documentation and message variants from its README.md', async () => {
  const ts: RuleModule = { meta: { id: 'ts-rule', title: 't', severity: 'info', category: 'backup', summary: 's' }, check() {} };
  const readme = `${README.replace('# b-rule', '# ts-rule')}\n## Messages by Velero version\n\n- \`velero <1.12.0\`: the label is required\n`;
  await withRules({ 'ts-rule/rule.ts': 'export {};\n', 'ts-rule/README.md': readme }, async (dir) => {
    const [loaded] = (await loadRules({ builtinDir: dir, tsRules: [ts] })).rules;
    assert.equal(loaded!.meta.description, 'The *hook* failed.\n\nSomeone broke it.');
    assert.deepEqual(loaded!.meta.variants, [{ range: 'velero <1.12.0', text: 'the label is required' }]);
  });
  await withRules({ 'ts-rule/rule.ts': 'export {};\n' }, async (dir) => {
    await assert.rejects(loadRules({ builtinDir: dir, tsRules: [ts] }), /TypeScript rule ts-rule: no README\.md documents it/);
  });
});
