// Templates in words: fixes as they read with nothing known, messages as their cases, from the Handlebars parse tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixInWords, HELPERS_IN_WORDS, messageInWords } from '../../src/ruledoc/template-words.js';

test('a fix reads with nothing known: defaults are their fallback, blocks their else, other values placeholders', () => {
  assert.equal(fixInWords('kubectl -n {{default veleroNamespace "velero"}} get bsl'), 'kubectl -n velero get bsl');
  assert.equal(fixInWords('`kubectl -n {{default saNs (default veleroNamespace "velero")}}`'), '`kubectl -n velero`');
  assert.equal(fixInWords('kubectl get ns {{#if ns}}{{ns}}{{else}}<ns>{{/if}} -o yaml'), 'kubectl get ns <ns> -o yaml');
  assert.equal(fixInWords('Raise the quota {{#if quota}}`{{quota}}` {{/if}}for now'), 'Raise the quota for now');
  assert.equal(fixInWords('node {{#if node}}{{node}}{{else}}{{object.spec.node}}{{/if}}'), 'node <node>');
  assert.equal(fixInWords('-l name={{default (lookup object.metadata.labels "velero.io/backup-name") "<backup>"}}'), '-l name=<backup>');
  assert.equal(fixInWords('see {{file.owner.name}} in {{veleroNamespace}}'), 'see <owner-name> in <velero-namespace>');
  assert.equal(fixInWords('{{#unless ready}}wait{{/unless}}'), 'wait');
});

test('a message reads with every value a placeholder; helpers that only shape a value show the value', () => {
  const [only] = messageInWords('Location "{{name}}" ({{object.spec.objectStorage.bucket}}): {{truncate (unescape reason) 400}} {{shortName backup}} {{replace msg "a" "b"}}');
  assert.deepEqual(only, { when: [], text: 'Location "<name>" (<bucket>): <reason> <backup> <msg>' });
  assert.equal(messageInWords('Velero {{default versions.velero "1.13.0"}}, {{lookup object.metadata.annotations "kots.io/app-slug"}}')[0]!.text, 'Velero <velero-version>, <app-slug>');
  assert.equal(messageInWords('{{line.msg}} in {{file.path}}')[0]!.text, '<message> in <file>');
});

test('a message with blocks reads as one case per branch, each with its condition in words; the last is "otherwise"', () => {
  const cases = messageInWords('denied to {{#if location}}BSL "{{location}}"{{else if name}}{{kind}} "{{name}}"{{else}}Velero{{/if}} ({{default code "HTTP 403"}})', { lineCaptures: ['location', 'code'] });
  assert.deepEqual(cases, [
    { when: ['the log line names <location>'], text: 'denied to BSL "<location>" (<code>)' },
    { when: ['the log line names no <location>', '<name> is known'], text: 'denied to <kind> "<name>" (<code>)' },
    { when: [], text: 'denied to Velero (<code>)' },
  ]);
});

test('a condition met twice is one choice; plural reads the count, and "1 backup" where the count is 1', () => {
  const cases = messageInWords('{{plural count "backup"}} {{#if (eq count 1)}}was{{else}}were{{/if}} lost and {{#if (eq count 1)}}is{{else}}are{{/if}} gone');
  assert.deepEqual(cases, [
    { when: ['<count> is 1'], text: '1 backup was lost and is gone' },
    { when: [], text: '<count> backups were lost and are gone' },
  ]);
  assert.equal(messageInWords('{{plural n "entry" "entries"}}')[0]!.text, '<n> entries');
});

test('branches that read the same are one case; a list reads as one item and an ellipsis', () => {
  assert.deepEqual(messageInWords('a{{#if x}}{{/if}}b'), [{ when: [], text: 'ab' }]);
  assert.equal(messageInWords('pull ({{#each object.spec.containers}}{{image}} {{/each}}): {{#each c}}{{#if message}}{{message}} {{/if}}{{/each}}end')[0]!.text, 'pull (<image> …): <message> …end');
});

test('a clause that only shows a value is no case: a message reads with its values there', () => {
  assert.deepEqual(messageInWords('BSL "{{name}}"{{#if bucket}} ({{#if provider}}{{provider}} {{/if}}bucket "{{bucket}}"){{else if provider}} ({{provider}}){{/if}} is down'), [
    { when: [], text: 'BSL "<name>" (<provider> bucket "<bucket>") is down' },
  ]);
  assert.equal(messageInWords('done{{#if a}}, see A{{/if}}')[0]!.text, 'done, see A');
});

test('many conditions read inline, in brackets, and an unknown helper shows its arguments: never "{{"', () => {
  const [only] = messageInWords('{{#if a}}A{{else}}no A{{/if}}{{#if b}}B{{else}}notB{{/if}}{{#if c}}C{{else}}no C{{/if}}{{#unless d}}D{{/unless}} {{frobnicate x "y"}}');
  assert.equal(only!.when.length, 0);
  assert.equal(only!.text, '[if <a> is known: A; otherwise: no A] [if <b> is known: B; otherwise: notB] [if <c> is known: C; otherwise: no C] [if <d> is not known: D] <x> y');
  assert.ok(!only!.text.includes('{{'));
});

test('every helper the templates register is worded: plural and times read as counts', () => {
  const registered = [...readFileSync('src/engine/templates.ts', 'utf8').matchAll(/registerHelper\('(\w+)'/g)].map((m) => m[1]!);
  assert.ok(registered.length >= 8, 'the helpers were found');
  for (const name of registered) assert.ok(HELPERS_IN_WORDS.has(name), `the helper ${name} is not worded by src/ruledoc/template-words.ts`);
  assert.equal(messageInWords('logged {{times count}}, {{plural count "line"}}')[0]!.text, 'logged <count> times, <count> lines');
  assert.equal(messageInWords('it ended {{ago object.status.completionTimestamp}} before')[0]!.text, 'it ended <age of completion-timestamp> before');
});
