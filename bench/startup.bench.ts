// Start-up time of the CLI as users run it (built bin): `--help`, `rules list` and `analyze` of the sample bundle, against `node -e 0`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.STARTUP_BENCH_RUNS ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = 'bin/snapshot-doctor.js';

interface Case {
  name: string;
  args: string[];
  /** The most this case may take above the baseline (median of the runs), in ms. */
  targetMs?: number;
}

const CASES: Case[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: '--help', args: [BIN, '--help'], targetMs: 150 },
  { name: 'rules list', args: [BIN, 'rules', 'list'], targetMs: 150 },
  { name: 'analyze fixtures/sample-bundle', args: [BIN, 'analyze', 'fixtures/sample-bundle', '--fail-on', 'none'], targetMs: 400 },
];

function once(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.toString().split('\n')[0]}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Interleaved rounds, so that a burst of load on a shared machine hits every case alike; one warm-up round first.
const times = CASES.map(() => [] as number[]);
for (const c of CASES) once(c.args);
for (let round = 0; round < RUNS; round++) CASES.forEach((c, i) => times[i]!.push(once(c.args)));

const baseline = median(times[0]!);
let missed = 0;
console.log(`${RUNS} interleaved runs each, median wall time (built bin)`);
CASES.forEach((c, i) => {
  const ms = median(times[i]!);
  const above = ms - baseline;
  const verdict = c.targetMs === undefined ? '' : above <= c.targetMs ? `  target < ${c.targetMs} ms: yes` : `  target < ${c.targetMs} ms: NO`;
  if (c.targetMs !== undefined && above > c.targetMs) missed += 1;
  const extra = i === 0 ? '' : `  (+${above.toFixed(0)} ms, ${(ms / baseline).toFixed(2)}x)`;
  console.log(`${c.name.padEnd(32)} ${ms.toFixed(0).padStart(5)} ms${extra}${verdict}`);
});
if (missed > 0) process.exitCode = 1;
