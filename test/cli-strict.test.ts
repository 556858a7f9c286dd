// The command line is checked in full before any work: usage errors exit 64 with one line, and nothing is collected, written or left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';
import { json, readBundle, withFake } from './collect/helpers.js';
import type { CollectManifest } from '../src/collect/options.js';

const NO_STACK = /\n\s+at /;

/** The first stderr line without the program name. */
function firstLine(stderr: string): string {
  return (stderr.split('\n')[0] ?? '').replace(/^snapshot-doctor: /, '');
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sd-strict-'));
}

test('a mistyped collect flag is refused before a single request reaches the cluster', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const output = join(dir, 'bundle.tar.gz');
    for (const typo of [['--no-crate'], ['--namspace', 'velero'], ['extra-argument'], ['--timeout', 'soon'], ['--since']]) {
      const result = await runCli(['collect', '--kubeconfig', kubeconfig, '--output', output, ...typo]);
      assert.equal(result.code, 64, typo.join(' '));
      assert.doesNotMatch(result.stderr, NO_STACK);
      assert.equal(fake.requests.length, 0, `${typo.join(' ')}: no request`);
      assert.equal(existsSync(output), false);
    }
    const crate = await runCli(['collect', '--kubeconfig', kubeconfig, '--no-crate']);
    assert.equal(firstLine(crate.stderr), 'unknown option --no-crate (did you mean --no-create?)');
    assert.match(crate.stderr, /usage: snapshot-doctor collect \[options\]/);
    const diagnose = await runCli(['diagnose', '--kubeconfig', kubeconfig, '-o', join(dir, 'out'), '--fial-on', 'none']);
    assert.equal(diagnose.code, 64);
    assert.equal(firstLine(diagnose.stderr), 'unknown option --fial-on (did you mean --fail-on?)');
    assert.equal(fake.requests.length, 0);
    assert.equal(existsSync(join(dir, 'out')), false);
  });
});

test('analyze with a mistyped flag writes no report', async () => {
  const dir = tempDir();
  try {
    const output = join(dir, 'report.txt');
    const result = await runCli(['analyze', 'fixtures/sample-bundle', '--fial-on', 'none', '--output', output]);
    assert.equal(result.code, 64);
    assert.equal(firstLine(result.stderr), 'unknown option --fial-on (did you mean --fail-on?)');
    assert.equal(existsSync(output), false);
    assert.equal(result.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing or wrong arguments: exit 64 and one line saying what is missing', async () => {
  const cases: [string[], RegExp][] = [
    [[], /^give a command: analyze, collect, diagnose, diff, rules, redact/],
    [['diff', 'fixtures/sample-bundle'], /^diff needs two inputs/],
    [['diff', 'a', 'b', 'c'], /^unexpected argument "c" for "diff"/],
    [['analyze'], /^analyze needs an input/],
    [['rules'], /^rules needs a subcommand: "rules list" or "rules show <id>"/],
    [['rules', 'lsit'], /^unknown subcommand "rules lsit" \(expected: list, show\) \(did you mean list\?\)/],
    [['rules', 'show'], /^rules show needs a rule id/],
    [['rules', 'list', 'extra'], /^unexpected argument "extra" for "rules list"/],
    [['rules', 'list', '--format', 'yaml'], /^--format cannot be "yaml" \(expected one of: text, json\)/],
    [['redact'], /^redact needs an input/],
    [['redact', 'fixtures/sample-bundle'], /^redact needs --output FILE/],
    [['redact', 'fixtures/sample-bundle', '--output'], /^--output needs a value/],
    [['analyze', 'fixtures/sample-bundle', '--output'], /^--output needs a value/],
    [['analyze', 'fixtures/sample-bundle', '--output='], /^--output needs a value/],
    [['analyze', 'fixtures/sample-bundle', '-o', '--format', 'json'], /^--output needs a value/],
    [['analyze', 'fixtures/sample-bundle', '--rules'], /^--rules needs a value/],
    [['analyze', '--each', 'fixtures/sample-bundle', '--jobs'], /^--jobs needs a number/],
    [['collect', '--timeout', '--no-create'], /^--timeout needs a number/],
    [['analyz', 'fixtures/sample-bundle'], /^unknown command "analyz" \(did you mean analyze\?\)/],
  ];
  for (const [argv, expected] of cases) {
    const result = await runCli(argv);
    assert.equal(result.code, 64, argv.join(' '));
    assert.match(firstLine(result.stderr), expected, argv.join(' '));
    assert.doesNotMatch(result.stderr, NO_STACK);
    assert.match(result.stderr.split('\n')[1] ?? '', /^usage: snapshot-doctor /, 'the usage follows');
    assert.equal(result.stdout, '', argv.join(' '));
  }
});

test('a flag written before the input never swallows it', async () => {
  const result = await runCli(['analyze', '--format', 'json', 'fixtures/sample-bundle', '--fail-on', 'none']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).schemaVersion, 1);
  const dir = tempDir();
  try {
    const rules = await runCli(['analyze', '--rules', dir, '-f', 'json', 'fixtures/sample-bundle', '--fail-on', 'none']);
    assert.equal(rules.code, 0, rules.stderr);
    assert.deepEqual(JSON.parse(rules.stdout).inputs.map((i: { path: string }) => i.path), ['fixtures/sample-bundle']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help and --version do no work and exit 0', async () => {
  for (const argv of [['--help'], ['analyze', '--help'], ['rules', 'show', '--help'], ['--version']]) {
    const result = await runCli(argv);
    assert.equal(result.code, 0, argv.join(' '));
  }
});

test('a closed pipe on stdout ends the run quietly with its own exit code', async () => {
  const entry = "import { dropWritesToClosedPipes, main } from './src/cli/main.ts'; dropWritesToClosedPipes(); process.exitCode = await main(['rules', 'list', '--format', 'json']);";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry], { stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  // Read one chunk, then close the pipe: what `| head -1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(Buffer.concat(err).toString('utf8'), '');
  assert.equal(code, 0);
});

test('a failed diagnose leaves no empty output folder behind', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    fake.fault('/version', { status: 401 });
    const folder = join(dir, 'attach', 'here');
    const result = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--output-dir', folder, '-q']);
    assert.equal(result.code, 2);
    assert.match(firstLine(result.stderr), /refused the credentials/);
    assert.equal(existsSync(join(dir, 'attach')), false);
  });
});

test('collect -n NS with no Velero in NS says so on stderr and in the manifest, and asks nothing of a Velero that is not there', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const output = join(dir, 'bundle.tar.gz');
    const result = await runCli(['collect', '--kubeconfig', kubeconfig, '-n', 'default', '-o', output, '-q']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /no Velero server Deployment in namespace "default".*Velero runs in namespace "velero"/);
    const manifest = json<CollectManifest>((await readBundle(output)).files, 'snapshot-doctor/manifest.json');
    assert.equal(manifest.veleroNamespace, null);
    assert.ok(manifest.errors.some((e) => e.source === 'velero namespace' && /namespace "default"/.test(e.message)));
    assert.deepEqual(fake.requests.filter((r) => r.method === 'POST'), [], 'no ServerStatusRequest or DownloadRequest');
  });
});

test('an output path that cannot be created gives one line naming it, before any request', async () => {
  await withFake(async ({ fake, dir, kubeconfig }) => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: string[][] = [
      ['collect', '--kubeconfig', kubeconfig, '-o', join(file, 'sub', 'bundle.tar.gz')],
      ['collect', '--kubeconfig', kubeconfig, '-o', dir],
      // Node's recursive mkdir never returns here: a level cannot be made although its parent exists.
      ['collect', '--kubeconfig', kubeconfig, '-o', '/proc/snapshot-doctor-test/bundle.tar.gz'],
      ['diagnose', '--kubeconfig', kubeconfig, '-o', '/proc/snapshot-doctor-test'],
      ['analyze', 'fixtures/sample-bundle', '-o', '/proc/snapshot-doctor-test/report.txt'],
      ['analyze', 'fixtures/sample-bundle', '-o', join(file, 'report.txt')],
      ['redact', 'fixtures/sample-bundle', '-o', '/proc/snapshot-doctor-test/redacted.tar.gz'],
      ['redact', 'fixtures/sample-bundle', '-o', join(file, 'redacted')],
    ];
    for (const argv of cases) {
      const result = await runCli([...argv, '-q']);
      assert.equal(result.code, 2, argv.join(' '));
      const target = argv[argv.indexOf('-o') + 1]!;
      assert.ok(firstLine(result.stderr).startsWith(`${target}: `), result.stderr);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    assert.equal(fake.requests.length, 0);
  });
});
