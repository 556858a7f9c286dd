// The kubectl plugin: `kubectl-snapshot_doctor` is a bin of the package, and its usage reads `kubectl snapshot-doctor`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? (out.push(chunk), true) : stdoutWrite(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv, { scriptName: 'kubectl snapshot-doctor' });
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

test('package.json installs kubectl-snapshot_doctor (kubectl maps `snapshot-doctor` to that name), running the CLI as "kubectl snapshot-doctor"', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string>; files: string[] };
  const bin = pkg.bin['kubectl-snapshot_doctor'];
  assert.ok(bin, 'a kubectl-snapshot_doctor bin');
  const script = readFileSync(bin, 'utf8');
  assert.ok(script.startsWith('#!/usr/bin/env node\n'));
  assert.match(script, /scriptName: 'kubectl snapshot-doctor'/);
  assert.ok(pkg.files.some((f) => bin.startsWith(`${f}/`)), 'the bin is in the packed files');
});

test('kubectl snapshot-doctor --help and usage errors name the command as kubectl users type it', async () => {
  const help = await capture(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^kubectl snapshot-doctor <command> \[options\]/);
  assert.match(help.out, /kubectl snapshot-doctor diagnose/);
  const usage = await capture(['analyze']);
  assert.equal(usage.code, 64);
  assert.match(usage.err, /usage: kubectl snapshot-doctor analyze/);
  // kubectl's own flag names work as they do in kubectl.
  const diagnoseHelp = await capture(['diagnose', '--help']);
  for (const flag of ['--kubeconfig', '--context', '--namespace']) assert.ok(diagnoseHelp.out.includes(flag), `diagnose takes ${flag}`);
  assert.match(diagnoseHelp.out, /-n, --namespace/);
});
