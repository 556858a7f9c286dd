// `rules show`'s rendering: every built-in rule's documentation for the terminal, no template syntax left, severities as reports give them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_RULES_DIR, loadCatalog } from '../../src/catalog.js';
import { Severity, SEVERITIES } from '../../src/constants.js';
import { loadRules } from '../../src/engine/index.js';
import { formatRuleDoc, messageVariants } from '../../src/ruledoc/render.js';
import { fixInWords } from '../../src/ruledoc/template-words.js';
import { closestNames } from '../../src/util/closest.js';

const catalog = (await loadCatalog()).rules;
const rule = (id: string) => catalog.find((r) => r.meta.id === id)!;
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*m/;

test('every built-in rule renders at 80 and 140 columns: no template syntax, no fences, no backticks, lines within the width', () => {
  for (const r of catalog) {
    for (const width of [80, 140]) {
      const text = formatRuleDoc(r, { width });
      const where = `${r.meta.id} at ${width}`;
      assert.ok(!text.includes('{{'), `${where}: template syntax left`);
      assert.ok(!text.includes('```'), `${where}: a code fence`);
      assert.ok(!text.includes('`'), `${where}: a literal backtick`);
      assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), `${where}: one newline at the end`);
      assert.ok(!ESCAPES.test(text), `${where}: colours nobody asked for`);
      for (const heading of ['What it means', 'How to fix', 'Links']) assert.match(text, new RegExp(`^${heading}$`, 'm'), `${where}: ${heading}`);
      // Commands are shown whole (copyable), and a word longer than the line (a URL) is never cut; anything else wraps.
      const commands = new Set(fixInWords(r.meta.remediation).split('\n').map((l) => l.trim()));
      for (const line of text.split('\n')) {
        if (line.length >= width) assert.ok(commands.has(line.trim()) || !line.trim().includes(' ') || /\S{40,}/.test(line), `${where}: "${line}" is ${line.length} columns`);
      }
    }
  }
});

test('the README sections are rendered in order, Sources included; the fix reads its defaults', () => {
  const text = formatRuleDoc(rule('objstore-access-denied'), { width: 100 });
  const at = (s: string) => text.indexOf(`\n${s}\n`);
  const order = ['When it fires', 'What it means', 'How to fix', 'Messages', 'Links'].map(at);
  assert.ok(order.every((n, i) => n > 0 && (i === 0 || n > order[i - 1]!)), `sections in order: ${order.join(', ')}`);
  assert.match(text, /kubectl -n velero get backupstoragelocation/);
  assert.match(text, /Commands name the namespace "velero"/);
  const withSources = catalog.find((r) => r.meta.sources)!;
  assert.match(formatRuleDoc(withSources), /\nSources\n {2}\S/);
  const withWhy = catalog.find((r) => r.meta.why)!;
  assert.match(formatRuleDoc(withWhy), /\nWhy it happens\n {2}\S/);
});

test('message variants: by object query, by log pattern with its Velero range, with their conditions in words', () => {
  const text = formatRuleDoc(rule('bsl-unavailable'), { width: 200 });
  assert.match(text, /• From a line of the Velero server log with "Current BackupStorageLocations available\/unavailable\/unknown", for Velero 1\.9 or later \(critical\):/);
  assert.match(text, /for Velero before 1\.5 \(critical\)/);
  assert.match(text, /From a BackupStorageLocation whose status\.phase is Unavailable, spec\.default is true and status\.message is empty \(critical\):\n\s+When <reason> is known: The default BackupStorageLocation "<name>"/);
  const access = formatRuleDoc(rule('objstore-access-denied'), { width: 200 });
  assert.match(access, /When the log line names <location>: The object store does not know the access key that BackupStorageLocation "<location>" uses \(<code>\): <error>/);
  assert.match(access, /Otherwise: The object store does not know the access key that Velero uses/);
});

test('variants that read alike at one severity are one entry; the rule\'s own message speaks for the rest', () => {
  const variants = messageVariants(rule('backup-failed').yaml!);
  assert.deepEqual(variants.map((v) => v.severity), [Severity.INFO, undefined]);
  assert.match(variants[0]!.from!, /more than 7 days old; or from a Backup whose .*more than 7 days old$/);
  assert.equal(variants[1]!.from, '', 'four plain queries and a log pattern: "anything else it matches"');
  const text = formatRuleDoc(rule('backup-failed'), { width: 120 });
  assert.match(text, /^severity {6}error \(the default\)\n {14}info for some of what it matches \(see Messages\)$/m);
  assert.match(text, /• Anything else it matches:/);
});

test('a TypeScript rule shows the severities it gives and when; its README messages by Velero version in words', () => {
  const text = formatRuleDoc(rule('velero-not-installed'), { width: 120 });
  assert.match(text, /^severity {6}error \(the default\)\n {14}critical when Schedules that are not paused exist/m);
  const csi = formatRuleDoc(rule('csi-snapshot-class-missing'), { width: 120 });
  assert.match(csi, /Messages by Velero version\n {2}• For Velero before 1\.12: /);
  assert.match(csi, /• For Velero 1\.12 to 1\.16: /);
});

test('every severity a TypeScript rule reports other than its default is documented in otherSeverities', () => {
  for (const r of catalog.filter((c) => !c.yaml)) {
    const source = readFileSync(join(BUILTIN_RULES_DIR, r.meta.id, 'rule.ts'), 'utf8');
    const used = new Set(SEVERITIES.filter((s) => source.includes(`Severity.${s.toUpperCase()}`)));
    used.delete(r.meta.severity);
    const documented = new Set((r.meta.otherSeverities ?? []).map((o) => o.severity));
    assert.deepEqual([...used].sort(), [...documented].sort(), `rules/${r.meta.id}/rule.ts: severities given and otherSeverities differ`);
    for (const o of r.meta.otherSeverities ?? []) assert.match(o.when, /^(when|on|for|if) /, `${r.meta.id}: "${o.when}" reads after the severity`);
  }
});

test('colours only when asked, and they take no column: the text wraps as without them', async () => {
  for (const id of ['bsl-unavailable', 'backup-failed', 'bsl-missing', 'objstore-access-denied']) {
    const coloured = formatRuleDoc(rule(id), { color: true, width: 80 });
    assert.match(coloured, ESCAPES);
    // eslint-disable-next-line no-control-regex
    assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), formatRuleDoc(rule(id), { width: 80 }), id);
  }
});

test('a plain YAML rule file (no README) renders from its own fields', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-ruledoc-'));
  try {
    const file = join(dir, 'acme.yaml');
    await writeFile(
      file,
      [
        'id: acme-hook-failed',
        'title: The ACME hook failed',
        'severity: warning',
        'category: backup',
        'summary: The ACME freeze hook failed during a backup.',
        'description: The **freeze** hook of `acme-db` exits non-zero.',
        'remediation: "Run `kubectl -n {{default veleroNamespace \\"velero\\"}} logs deploy/velero`{{#if hook}} and check {{hook}}{{/if}}."',
        'docs: [https://example.com/acme]',
        'match:',
        '  logs:',
        "    - regex: 'hook (?<hook>\\S+) failed'",
        '      literals: [hook]',
        'message: Hook {{hook}} failed {{count}} times',
        '',
      ].join('\n'),
    );
    const [vendor] = (await loadRules({ rulesDirs: [file] })).rules;
    const text = formatRuleDoc(vendor!, { width: 100 });
    assert.match(text, /What it means\n {2}The freeze hook of acme-db exits non-zero\./);
    assert.match(text, /How to fix\n {2}Run kubectl -n velero logs deploy\/velero\.\n/);
    assert.match(text, /Messages\n {2}• Every finding:\n {6}Hook <hook> failed <count> times\n/);
    assert.match(text, /defined in {4}\S*acme\.yaml/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the ids closest to one typed: prefixes, then substrings, then a few edits; at most five', () => {
  const ids = catalog.map((r) => r.meta.id);
  assert.deepEqual(closestNames('objstore', ids), ['objstore-access-denied', 'objstore-bucket-not-found', 'objstore-no-credentials', 'objstore-object-lock-checksum', 'objstore-s3-compat-checksum']);
  assert.deepEqual(closestNames('objstore-acess-denied', ids), ['objstore-access-denied']);
  assert.equal(closestNames('oomkilled', ids)[0], 'node-agent-oomkilled');
  assert.deepEqual(closestNames('bsl-unavailabel', ids).slice(0, 1), ['bsl-unavailable']);
  assert.deepEqual(closestNames('zzzz', ids), []);
  assert.deepEqual(closestNames('', ids), []);
});
