// CLI behaviour docs/surface.md fixes: usage errors exit 64, unreadable input exits 2, both without a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli.js';

test('an unknown command is a usage error (exit 64)', async () => {
  const result = await runCli(['frobnicate']);
  assert.equal(result.code, 64);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('an unknown --format is a usage error (exit 64)', async () => {
  const result = await runCli(['analyze', 'fixtures', '--format', 'pdf']);
  assert.equal(result.code, 64);
  assert.match(result.stderr, /unknown format "pdf"/);
});

test('an input that does not exist is exit 2 with a one-line error naming it', async () => {
  const result = await runCli(['analyze', 'no/such/bundle.tar.gz', '--format', 'json']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no\/such\/bundle\.tar\.gz/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(result.stdout, '');
});
