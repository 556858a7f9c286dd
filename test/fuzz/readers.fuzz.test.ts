// Fuzzing the readers (and redact) with fast-check: random mutations of the fixture bundles never crash or hang, only InputError or a report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadCatalog } from '../../src/catalog.js';
import { evaluate, type RuleSet } from '../../src/engine/index.js';
import { readInputs } from '../../src/readers/index.js';
import { buildReport } from '../../src/report/build.js';
import { SnapshotDoctorError } from '../../src/errors.js';
import { redactCopy } from '../../src/redact/copy.js';
import { rawTar, type RawEntry } from '../hostile/support/tar.js';

/** More runs for a longer hunt: FUZZ_RUNS=5000 node scripts/run-tests.mjs test/fuzz */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? 20240501);
/** A case that takes longer than this is a hang. */
const CASE_TIMEOUT_MS = 20_000;
const FIXTURES = ['troubleshoot-v0.133-symlinks', 'troubleshoot-v0.50-yaml', 'velero-debug-v1.13', 'snapshot-doctor-collect'];

let dir: string;
let rules: RuleSet;
const bases: { name: string; entries: RawEntry[] }[] = [];

/** A fixture folder as tar entries under one root folder (files and relative symlinks). */
async function entriesOf(folder: string, root: string): Promise<RawEntry[]> {
  const entries: RawEntry[] = [];
  async function walk(abs: string): Promise<void> {
    for (const name of (await readdir(abs)).sort()) {
      const path = join(abs, name);
      const info = await lstat(path);
      const rel = `${root}/${relative(folder, path).split('\\').join('/')}`;
      if (info.isDirectory()) await walk(path);
      else if (info.isSymbolicLink()) entries.push({ path: rel, type: 'SymbolicLink', linkpath: await readlink(path) });
      else if (rel.length <= 100) entries.push({ path: rel, content: await readFile(path) });
    }
  }
  await walk(folder);
  return entries;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-fuzz-'));
  // Loaded once: the readers and the rules over what they read are the target, not rule loading.
  rules = await loadCatalog();
  for (const name of FIXTURES) {
    const folder = join('fixtures/formats', name);
    const inner = (await readdir(folder)).filter((n) => !n.endsWith('.md'));
    // velero debug fixtures are unpacked around one bundle folder; troubleshoot ones are the bundle itself.
    const single = inner.length === 1 && (await lstat(join(folder, inner[0]!))).isDirectory();
    bases.push({ name, entries: await entriesOf(single ? join(folder, inner[0]!) : folder, single ? inner[0]! : `bundle-${name}`) });
  }
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOSTILE_PATHS = ['../escape.txt', '/etc/passwd', 'a/../../b', '', '.', './', 'x\u0000y', 'C:\\evil', `${'d/'.repeat(40)}deep.log`, 'cluster-resources/pods/logs/velero/p/velero.log'];

type PathMutation = { index: number; kind: 'replace'; path: string } | { index: number; kind: 'prefix'; prefix: string } | { index: number; kind: 'link'; target: string } | { index: number; kind: 'hardlink'; target: string } | { index: number; kind: 'duplicate'; of: number };

const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  fc.record({ index: fc.nat(), kind: fc.constant('replace' as const), path: fc.oneof(fc.constantFrom(...HOSTILE_PATHS), fc.string({ maxLength: 120 })) }),
  fc.record({ index: fc.nat(), kind: fc.constant('prefix' as const), prefix: fc.constantFrom('../', '/', './', '..\\', 'x/../../') }),
  fc.record({ index: fc.nat(), kind: fc.constant('link' as const), target: fc.constantFrom('/etc/passwd', '../../../..', '.', 'self', '../cluster-info/cluster_version.json') }),
  fc.record({ index: fc.nat(), kind: fc.constant('hardlink' as const), target: fc.constantFrom('/etc/passwd', 'version.yaml') }),
  fc.record({ index: fc.nat(), kind: fc.constant('duplicate' as const), of: fc.nat() }),
);

const mutation = fc.record({
  base: fc.nat(),
  shuffle: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), { nil: undefined }),
  paths: fc.array(pathMutation, { maxLength: 4 }),
  gzip: fc.boolean(),
  flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 6 }),
  truncate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

function mutate(m: typeof mutation extends fc.Arbitrary<infer T> ? T : never): Buffer {
  const base = bases[m.base % bases.length]!;
  const entries = base.entries.map((e) => ({ ...e }));
  if (m.shuffle) {
    // Entry reordering: swap pairs chosen by the random indexes.
    for (let i = 0; i + 1 < m.shuffle.length; i += 2) {
      const a = m.shuffle[i]! % entries.length;
      const b = m.shuffle[i + 1]! % entries.length;
      [entries[a], entries[b]] = [entries[b]!, entries[a]!];
    }
  }
  for (const p of m.paths) {
    const entry = entries[p.index % entries.length]!;
    if (p.kind === 'replace') entry.path = p.path.slice(0, 100);
    else if (p.kind === 'prefix') entry.path = `${p.prefix}${entry.path}`.slice(0, 100);
    else if (p.kind === 'link') Object.assign(entry, { type: 'SymbolicLink', linkpath: p.target === 'self' ? entry.path : p.target, content: undefined });
    else if (p.kind === 'hardlink') Object.assign(entry, { type: 'Link', linkpath: p.target, content: undefined });
    else entry.path = entries[p.of % entries.length]!.path;
  }
  let bytes = rawTar(entries);
  if (m.gzip) bytes = gzipSync(bytes);
  bytes = Buffer.from(bytes);
  for (const flip of m.flips) {
    const at = Math.min(bytes.length - 1, Math.floor(flip.at * bytes.length));
    bytes[at] = bytes[at]! ^ flip.xor;
  }
  if (m.truncate !== undefined) bytes = bytes.subarray(0, Math.floor(m.truncate * bytes.length));
  return bytes;
}

/** analyze() with the rules loaded once: read (scanning logs), evaluate, build the report. */
async function analyzeWithRules(input: string) {
  const bundle = await readInputs([input], { scanner: rules.createScanner() });
  const { findings, outcomes } = evaluate(rules, bundle, { now: new Date('2024-05-01T03:00:00Z') });
  return buildReport(bundle, { toolVersion: '0.0.0', findings, rules: outcomes });
}

async function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${CASE_TIMEOUT_MS} ms (a hang)`)), CASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Only our own errors may come out: a crash (TypeError, RangeError, tar internals) fails the property. */
function expectedFailure(error: unknown): boolean {
  return error instanceof SnapshotDoctorError;
}

test(`mutated bundles (${RUNS} runs, seed ${SEED}): analyze and redact give a result or an InputError, never a crash or a hang`, { timeout: 15 * 60_000 }, async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(mutation, async (m) => {
      n += 1;
      const input = join(dir, `case-${n}.${m.gzip ? 'tar.gz' : 'tar'}`);
      const output = join(dir, `case-${n}-redacted.tar.gz`);
      await writeFile(input, mutate(m));
      try {
        try {
          const report = await withTimeout('analyze', analyzeWithRules(input));
          assert.equal(report.schemaVersion, 1);
          assert.ok(Array.isArray(report.problems));
        } catch (error) {
          if (!expectedFailure(error)) throw error;
        }
        try {
          const result = await withTimeout('redact', redactCopy(input, output));
          assert.equal(result.output, output);
        } catch (error) {
          if (!expectedFailure(error)) throw error;
        }
        // Nothing but the input and the one output in the folder: no escaped or temporary files.
        const left = (await readdir(dir)).filter((name) => !/^case-\d+(?:-redacted)?\.tar(?:\.gz)?$/.test(name));
        assert.deepEqual(left, []);
      } finally {
        await rm(input, { force: true });
        await rm(output, { force: true });
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});
