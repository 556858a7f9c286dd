// Log-scan speed: the scanner alone on in-memory logs, then `analyze` on a generated bundle against `gzip -dc | grep -cE`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { analyze } from '../src/analyze.js';
import { loadCatalog } from '../src/catalog.js';
import type { RuleSet } from '../src/engine/index.js';
import { emptyLogFile } from '../test/engine/support.js';
import { generateBundle, MATCHING_LINES } from './lib/generate-bundle.js';

class SkipError extends Error {}

const MICRO_MB = Number(process.env.SCAN_BENCH_MICRO_MB ?? 256);
const BUNDLE_MB = Number(process.env.SCAN_BENCH_MB ?? 520);
const RUNS = Number(process.env.SCAN_BENCH_RUNS ?? 3);

const ROUTINE = [
  'time="{t}" level=info msg="Backed up {n} items out of an estimated total of 412 (estimate will change throughout the backup)" backup=velero/daily-1 logSource="pkg/backup/backup.go:499" name=app-{n} namespace=app progress= resource=configmaps',
  'time="{t}" level=info msg="Processing item" backup=velero/daily-1 logSource="pkg/backup/backup.go:449" name=app-{n} namespace=app progress= resource=secrets',
  'time="{t}" level=info msg="Validating BackupStorageLocation" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:152"',
  'time="{t}" level=debug msg="Skipping action because it does not apply to this resource" backup=velero/daily-1 logSource="pkg/backup/item_backupper.go:404" name=app-{n} namespace=app resource=persistentvolumeclaims',
];

/** ~`mb` MB of log text in 1 MiB chunks; one line in 1,000 is a failure line from MATCHING_LINES. */
function makeChunks(mb: number): Buffer[] {
  const chunks: Buffer[] = [];
  let parts: string[] = [];
  let size = 0;
  let total = 0;
  for (let i = 0; total < mb * 1e6; i++) {
    const template = i % 1000 === 999 ? MATCHING_LINES[i % MATCHING_LINES.length]! : ROUTINE[i % ROUTINE.length]!;
    const line = `${template.replace('{t}', '2024-04-24T00:00:00Z').replace('{time}', '2024-04-24T00:00:00Z').replaceAll('{n}', String(i % 997)).replaceAll('{backup}', 'daily-1')}\n`;
    parts.push(line);
    size += line.length;
    if (size >= 1 << 20) {
      const chunk = Buffer.from(parts.join(''));
      chunks.push(chunk);
      total += chunk.length;
      parts = [];
      size = 0;
    }
  }
  return chunks;
}

async function* iterate(chunks: Buffer[]): AsyncIterable<Buffer> {
  yield* chunks;
}

async function timeScan(set: RuleSet, chunks: Buffer[]): Promise<number> {
  const scanner = set.createScanner();
  const start = performance.now();
  await scanner.scan(emptyLogFile('bench.log', 'server'), iterate(chunks));
  return performance.now() - start;
}

function best(times: number[]): number {
  return Math.min(...times);
}

async function bestOf(runs: number, fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await fn());
  return best(times);
}

/** A rules directory holding a copy of every log pattern of the catalog, under new ids (twice the log rules). */
async function duplicateDir(set: RuleSet): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-bench-dup-'));
  for (const rule of set.rules) {
    if (!rule.logPatterns?.length) continue;
    const id = `${rule.meta.id}-twin`;
    const doc = {
      id,
      title: `${rule.meta.title} (bench twin)`,
      severity: rule.meta.severity,
      category: rule.meta.category,
      summary: 'A copy of the log patterns of a catalog rule, for the scan benchmark.',
      description: 'bench',
      remediation: 'bench',
      docs: [],
      match: { logs: rule.logPatterns.map((p, i) => ({ ...p, literals: set.patterns.find((c) => c.ruleId === rule.meta.id && c.index === i)!.literals })) },
      message: 'bench twin of {{count}} lines',
    };
    await writeFile(join(dir, `${id}.yaml`), stringify(doc));
  }
  return dir;
}

function sh(command: string): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ ms: performance.now() - start, stdout: stdout.trim() }));
  });
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const check = (met: boolean) => (met ? 'met   ' : 'MISSED');

const catalog = await loadCatalog();
const dupDir = await duplicateDir(catalog);
try {
  const doubled = await loadCatalog([dupDir]);
  const literals = [...new Set(catalog.patterns.flatMap((p) => p.literals))];
  console.log(`catalog: ${catalog.rules.length} rules, ${catalog.patterns.length} log patterns, ${literals.length} literals; doubled: ${doubled.patterns.length} patterns`);

  // 1. The scanner alone, on chunks already in memory (no decompression, no tar).
  const chunks = makeChunks(MICRO_MB);
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  const mbps = (ms: number) => `${((bytes / 1e6) / (ms / 1000)).toFixed(0)} MB/s`;
  const floor = await bestOf(RUNS, async () => {
    const start = performance.now();
    let lines = 0;
    for (const c of chunks) for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
    if (lines < 0) throw new Error('unreachable');
    return performance.now() - start;
  });
  let one = Infinity;
  let two = Infinity;
  for (let i = 0; i < RUNS; i++) {
    one = Math.min(one, await timeScan(catalog, chunks));
    two = Math.min(two, await timeScan(doubled, chunks));
  }
  // The naive loop the issue describes (every line against every regex), on a sixteenth of the data.
  const sample = chunks.slice(0, Math.max(1, Math.floor(chunks.length / 16)));
  const sampleBytes = sample.reduce((n, c) => n + c.length, 0);
  const naive = await bestOf(1, async () => {
    const start = performance.now();
    let hits = 0;
    for (const c of sample) for (const line of c.toString('utf8').split('\n')) for (const p of catalog.patterns) if (p.regex.test(line)) hits++;
    if (hits < 0) throw new Error('unreachable');
    return ((performance.now() - start) * bytes) / sampleBytes;
  });
  console.log(`\nscanner on ${(bytes / 1e6).toFixed(0)} MB in memory (best of ${RUNS}):`);
  console.log(`  newline count only (Buffer.indexOf)   ${fmt(floor)}  ${mbps(floor)}`);
  console.log(`  scanner, catalog                      ${fmt(one)}  ${mbps(one)}`);
  console.log(`  scanner, every log pattern twice      ${fmt(two)}  ${mbps(two)}   ratio ${(two / one).toFixed(3)}`);
  console.log(`  naive per-line regex loop (estimated) ${fmt(naive)}  ${mbps(naive)}`);

  // 2. analyze on a generated troubleshoot bundle against gzip -dc | grep -cE.
  const bundle = await generateBundle({ logBytes: BUNDLE_MB * 1e6, backups: 10_000, matchFraction: 0.001 });
  console.log(`\nbundle: ${bundle.path} (${(bundle.logBytes / 1e6).toFixed(0)} MB of logs, ${(bundle.archiveBytes / 1e6).toFixed(0)} MB archive${bundle.cached ? ', cached' : ''})`);
  const ere = literals.map((l) => l.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')).join('|').replace(/'/g, `'\\''`);
  const grepCommand = `gzip -dc '${bundle.path}' | grep -cE '${ere}'`;
  let baseline = Infinity;
  let grepCount = '';
  for (let i = 0; i < RUNS; i++) {
    const r = await sh(grepCommand);
    baseline = Math.min(baseline, r.ms);
    grepCount = r.stdout;
  }
  const timeAnalyze = async (rulesDirs: string[]) => {
    const start = performance.now();
    await analyze(bundle.path, { rulesDirs });
    return performance.now() - start;
  };
  let withCatalog: number;
  let withDoubled: number;
  try {
    // Interleaved, best of each: the machine's load drifts between runs.
    withCatalog = Infinity;
    withDoubled = Infinity;
    for (let i = 0; i < RUNS; i++) {
      withCatalog = Math.min(withCatalog, await timeAnalyze([]));
      withDoubled = Math.min(withDoubled, await timeAnalyze([dupDir]));
    }
  } catch (error) {
    console.log(`  analyze could not run on the bundle (${(error as Error).message}); readers pending, ratios skipped`);
    process.exitCode = 0;
    throw new SkipError();
  }
  const toBaseline = withCatalog / baseline;
  const doubling = withDoubled / withCatalog;
  console.log(`\nanalyze vs the baseline (best of ${RUNS}):`);
  console.log(`  baseline: gzip -dc | grep -cE <${literals.length} literals>  ${fmt(baseline)}  (${grepCount} lines)`);
  console.log(`  analyze, catalog                              ${fmt(withCatalog)}   ratio to baseline ${toBaseline.toFixed(2)}`);
  console.log(`  analyze, every log pattern twice              ${fmt(withDoubled)}   ratio to catalog  ${doubling.toFixed(3)}`);
  const logMB = (bundle.logBytes / 1e6).toFixed(0);
  console.log('\ntargets:');
  console.log(`  ${check(toBaseline <= 1.2)}  analyze <= 1.2x gzip -dc | grep -cE (${logMB} MB of logs; the issue asks it at 600 MB)   ${toBaseline.toFixed(2)}`);
  console.log(`  ${check(toBaseline <= 1.5)}  analyze <= 1.5x gzip -dc | grep -cE                                              ${toBaseline.toFixed(2)}`);
  console.log(`  ${check(doubling <= 1.1)}  analyze with every log pattern twice <= 1.10x analyze                           ${doubling.toFixed(3)}`);
} catch (error) {
  if (!(error instanceof SkipError)) throw error;
} finally {
  await rm(dupDir, { recursive: true, force: true });
}


