// Exit codes and report files as docs/surface.md fixes them: 0 clean, 1 findings at or above --fail-on, 2 unreadable, 64 usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const healthy = `fixtures/healthy/${readdirSync('fixtures/healthy')[0]}`;

test('a healthy bundle exits 0; the broken sample exits 1 at the default --fail-on error', async () => {
  assert.equal((await runCli(['analyze', healthy, '--format', 'json'])).code, 0);
  const broken = await runCli(['analyze', 'fixtures/sample-bundle', '--format', 'json']);
  assert.equal(broken.code, 1);
  assert.equal(JSON.parse(broken.stdout).schemaVersion, 1, 'stdout holds only the JSON report');
});

test('--fail-on moves the threshold; none never fails on findings', async () => {
  assert.equal((await runCli(['analyze', 'fixtures/sample-bundle', '--format', 'json', '--fail-on', 'critical'])).code, 1);
  assert.equal((await runCli(['analyze', 'fixtures/sample-bundle', '--format', 'json', '--fail-on', 'none'])).code, 0);
  assert.equal((await runCli(['analyze', healthy, '--format', 'json', '--fail-on', 'warning'])).code, 0);
  assert.equal((await runCli(['analyze', healthy, '--fail-on', 'fatal'])).code, 64);
});

test('a corrupt archive exits 2 with one line naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-exit-'));
  try {
    const file = join(dir, 'support-bundle-x.tar.gz');
    writeFileSync(file, Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5]));
    const result = await runCli(['analyze', file]);
    assert.equal(result.code, 2);
    assert.ok(result.stderr.includes(file));
    assert.equal(result.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('several --format values with --output-dir write one file each; without it they are a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-out-'));
  try {
    const result = await runCli(['analyze', 'fixtures/sample-bundle', '-f', 'markdown', '-f', 'json', '-f', 'junit', '-f', 'html', '--output-dir', dir, '--fail-on', 'none']);
    assert.equal(result.code, 0);
    for (const name of ['report.md', 'report.json', 'report.xml', 'report.html']) assert.ok(existsSync(join(dir, name)), name);
    assert.equal((await runCli(['analyze', 'fixtures/sample-bundle', '-f', 'markdown', '-f', 'json'])).code, 64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rules list and rules show; an unknown rule is a usage error (exit 64)', async () => {
  const list = await runCli(['rules', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /bsl-unavailable\s+(critical|error)\s+storage/);
  const show = await runCli(['rules', 'show', 'repo-locked']);
  assert.equal(show.code, 0);
  assert.match(show.stdout, /\nHow to fix\n/);
  const unknown = await runCli(['rules', 'show', 'no-such-rule']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.stderr, /unknown rule "no-such-rule"/);
});

test('a log of only the unknown-flag error cobra prints is analyzed (exit 1, server-flag-unknown); prose that mentions it exits 2', async () => {
  const report = await runCli(['analyze', 'fixtures/formats/crash-line-log/unknown-flag.log', '--format', 'json']);
  assert.equal(report.code, 1, report.stderr);
  const findings = (JSON.parse(report.stdout) as { findings: { ruleId: string; evidence: { text?: string }[] }[] }).findings;
  const finding = findings.find((f) => f.ruleId === 'server-flag-unknown');
  assert.ok(finding, findings.map((f) => f.ruleId).join(', '));
  assert.equal(finding.evidence[0]?.text, 'Error: unknown flag: --default-volumes-to-restic');
  const dir = mkdtempSync(join(tmpdir(), 'sd-flag-'));
  try {
    const prose = join(dir, 'notes.txt');
    writeFileSync(prose, 'After the upgrade the pod printed an unknown flag: --default-volumes-to-restic error.\n');
    const refused = await runCli(['analyze', prose]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /notes\.txt: not a Velero log/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
