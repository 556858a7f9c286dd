// Bench: `analyze --each` over 40 generated bundles on worker threads, against the same analyses one after another, with peak RSS.
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateBundle } from './lib/generate-bundle.js';

const BUNDLES = Number(process.env.BATCH_BENCH_BUNDLES ?? 40);
const LOG_MB = Number(process.env.BATCH_BENCH_LOG_MB ?? 12);
const RUNS = Number(process.env.BATCH_BENCH_RUNS ?? 2);
const RSS_LIMIT_MB = 300;

/** Four kinds of bundle, repeated: sizes and error rates vary as a vendor's inbox does. */
const VARIANTS = [
  { logBytes: LOG_MB * 1024 ** 2, backups: 500, matchFraction: 0.001 },
  { logBytes: LOG_MB * 0.5 * 1024 ** 2, backups: 200, matchFraction: 0.01 },
  { logBytes: LOG_MB * 1.5 * 1024 ** 2, backups: 1500, matchFraction: 0.0005 },
  { logBytes: LOG_MB * 1024 ** 2, backups: 1000, matchFraction: 0 },
];

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  workers: number;
  reports: number;
  errors: number;
}

/** One batch in a process of its own (its peak RSS is the batch's alone), plain Node on dist/ as the bin runs it. */
function run(mode: string, folder: string): ChildResult {
  const once = fileURLToPath(new URL('./lib/batch-once.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [once, mode, folder], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`the ${mode} child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const generated = [];
  for (const variant of VARIANTS) generated.push(await generateBundle(variant));
  const folder = join(tmpdir(), 'snapshot-doctor-bench', `batch-${BUNDLES}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  let logBytes = 0;
  for (let i = 0; i < BUNDLES; i++) {
    const source = generated[i % generated.length]!;
    linkSync(source.path, join(folder, `support-bundle-${String(i + 1).padStart(2, '0')}.tar.gz`));
    logBytes += source.logBytes;
  }
  console.log(`${BUNDLES} bundles in ${folder} (${(logBytes / 1024 ** 2).toFixed(0)} MB of logs in all, ${VARIANTS.length} kinds), ${availableParallelism()} cores`);

  // Alternated, best of RUNS: the machine is shared, and a run slowed by a neighbour says nothing about the code.
  const best = (a: ChildResult | undefined, b: ChildResult) => (a && a.seconds <= b.seconds ? a : b);
  let sequential: ChildResult | undefined;
  let parallel: ChildResult | undefined;
  for (let i = 0; i < RUNS; i++) {
    sequential = best(sequential, run('sequential', folder));
    parallel = best(parallel, run('parallel', folder));
  }
  if (!sequential || !parallel) throw new Error('BATCH_BENCH_RUNS must be at least 1');
  const oneWorker = run('one-worker', folder);
  const loop = run('processes', folder);
  const line = (name: string, r: ChildResult) =>
    `${name.padEnd(26)} ${r.seconds.toFixed(2).padStart(6)} s wall, ${r.cpuSeconds.toFixed(2).padStart(6)} s CPU, peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB, ` +
    `${(BUNDLES / r.seconds).toFixed(2)} bundles/s (${r.reports} reports, ${r.errors} errors)`;
  console.log(`best of ${RUNS} runs each, alternated:`);
  console.log(line('one after another (inline)', sequential));
  console.log(line(`${parallel.workers} workers`, parallel));
  console.log(line('1 worker', oneWorker));
  console.log(line('a process per bundle (loop)', loop));
  console.log(`speed-up, ${parallel.workers} workers vs one after another in one process: ${(sequential.seconds / parallel.seconds).toFixed(2)}x wall, ${(sequential.cpuSeconds / parallel.cpuSeconds).toFixed(2)}x CPU`);
  console.log(`speed-up, ${parallel.workers} workers vs a loop of analyze processes:     ${(loop.seconds / parallel.seconds).toFixed(2)}x wall, ${(loop.cpuSeconds / parallel.cpuSeconds).toFixed(2)}x CPU`);
  const perWorker = parallel.maxRssMb / Math.max(1, parallel.workers);
  console.log(`peak RSS per worker (whole process / workers): ${perWorker.toFixed(0)} MB; one worker's process: ${oneWorker.maxRssMb.toFixed(0)} MB`);
  const ok = oneWorker.maxRssMb < RSS_LIMIT_MB && perWorker < RSS_LIMIT_MB && [sequential, parallel, oneWorker, loop].every((r) => r.errors === 0 && r.reports === BUNDLES);
  console.log(`every bundle analyzed, each worker under ${RSS_LIMIT_MB} MB: ${ok ? 'yes' : 'NO'}`);
  if (!ok) process.exitCode = 1;
}

await main();
