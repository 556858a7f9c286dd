// `rules show` and `rules list` end to end: the rendered documentation, colours only when wanted, unknown ids with the closest ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli.js';

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*m/;

async function withEnv<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  try {
    return await run();
  } finally {
    apply(saved);
  }
}

test('rules show prints the rendered documentation: placeholders in words, no Markdown marks, one newline at the end', async () => {
  const result = await withEnv({ FORCE_COLOR: undefined, NO_COLOR: undefined }, () => runCli(['rules', 'show', 'objstore-access-denied']));
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  assert.match(out, /^objstore-access-denied: The object store denies access\nseverity {6}critical \(the default\)\n/);
  assert.match(out, /\nHow to fix\n {2}1\. Find which credentials Velero uses: kubectl -n velero get backupstoragelocation/);
  assert.match(out, /\nMessages\n {2}• From a BackupStorageLocation whose status\.phase is Unavailable/);
  for (const raw of ['{{', '`', '## ']) assert.ok(!out.includes(raw), `raw ${raw} in the output`);
  assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'));
  assert.ok(!ESCAPES.test(out), 'no colours off a terminal');
});

test('rules show colours with FORCE_COLOR; --format json gives the rule as loaded', async () => {
  const coloured = await withEnv({ FORCE_COLOR: '1', NO_COLOR: undefined }, () => runCli(['rules', 'show', 'backup-failed']));
  assert.match(coloured.stdout, ESCAPES);
  const json = await runCli(['rules', 'show', 'backup-failed', '--format', 'json']);
  const meta = JSON.parse(json.stdout) as { id: string; remediation: string };
  assert.equal(meta.id, 'backup-failed');
  assert.ok(meta.remediation.includes('{{default veleroNamespace'), 'JSON keeps the template as written');
});

test('an unknown or partial id is a usage error (exit 64) naming the closest ids; a unique prefix is not taken for the id', async () => {
  const partial = await runCli(['rules', 'show', 'objstore']);
  assert.equal(partial.code, 64);
  assert.equal(partial.stdout, '');
  const first = partial.stderr.split('\n')[0]!;
  assert.equal(
    first,
    'snapshot-doctor: unknown rule "objstore"; did you mean objstore-access-denied, objstore-bucket-not-found, objstore-no-credentials, objstore-object-lock-checksum, objstore-s3-compat-checksum, or 3 more? (see "snapshot-doctor rules list")',
  );
  const typo = await runCli(['rules', 'show', 'bsl-unavailabel']);
  assert.equal(typo.code, 64);
  assert.match(typo.stderr, /^snapshot-doctor: unknown rule "bsl-unavailabel"; did you mean bsl-unavailable, vsl-unavailable\? /, 'nearest first');
  const unique = await runCli(['rules', 'show', 'restic-dep']);
  assert.equal(unique.code, 64, 'one id starting with it is still not the id');
  assert.match(unique.stderr, /did you mean restic-deprecated\?/);
  const nothing = await runCli(['rules', 'show', 'zzzzzz']);
  assert.equal(nothing.code, 64);
  assert.match(nothing.stderr, /^snapshot-doctor: unknown rule "zzzzzz" \(see "snapshot-doctor rules list"\)\n/);
});
