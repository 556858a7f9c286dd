// Bench: reading a troubleshoot bundle with ≥1 GB of logs and 10,000 backups, against `gzip -dc` of the same archive.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/analyze.js';
import { readInputs } from '../src/readers/index.js';
import { generateBundle } from './lib/generate-bundle.js';

const LOG_BYTES = Number(process.env.READ_BENCH_LOG_BYTES ?? 1.1 * 1024 ** 3);
const BACKUPS = Number(process.env.READ_BENCH_BACKUPS ?? 10_000);
const RSS_LIMIT_MB = 300;

/** Runs in a child process, so that its peak RSS is the reader's alone. */
async function child(archive: string): Promise<void> {
  let started = performance.now();
  let mode = 'analyze';
  let counts: { backups: number; logs: number };
  try {
    const report = await analyze([archive]);
    counts = { backups: report.inventory.backups, logs: report.inventory.logFiles };
    const scanFailure = report.problems.find((p) => p.message.startsWith('unreadable:'));
    if (scanFailure) throw new Error(`the log scanner failed: ${scanFailure.message}`);
  } catch (error) {
    // Another area (rules, engine) may be mid-change; the readers alone (counting every line) are still measured.
    mode = `readInputs, lines counted by the readers (analyze: ${(error as Error).message.split('\n')[0]})`;
    started = performance.now();
    const bundle = await readInputs([archive]);
    counts = { backups: bundle.objects.count('Backup'), logs: bundle.logs.length };
  }
  const { backups, logs } = counts;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify({ mode, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024, backups, logs }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!);
  const genStart = performance.now();
  const bundle = await generateBundle({ logBytes: LOG_BYTES, backups: BACKUPS, matchFraction: 0.001 });
  console.log(
    `bundle: ${bundle.path} (${(bundle.archiveBytes / 1024 ** 2).toFixed(0)} MB compressed, ${(bundle.logBytes / 1024 ** 3).toFixed(2)} GB of logs, ` +
      `${bundle.backups} backups; ${bundle.cached ? 'cached' : `generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s`})`,
  );

  // bash's `time` gives gzip's CPU seconds as well: on a busy machine CPU time is the steadier figure.
  const gzStart = performance.now();
  const gz = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time gzip -dc '${bundle.path}' > /dev/null`], { encoding: 'utf8' });
  const gzipSeconds = (performance.now() - gzStart) / 1000;
  if (gz.status !== 0) throw new Error(`gzip -dc failed: ${gz.stderr}`);
  const gzipCpu = gz.stderr.trim().split('\n').pop()!.split(' ').map(Number).reduce((a, b) => a + b, 0);

  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', bundle.path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`the analyze child failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { mode: string; seconds: number; cpuSeconds: number; maxRssMb: number; backups: number; logs: number };

  console.log(`gzip -dc (baseline):  ${gzipSeconds.toFixed(2)} s wall, ${gzipCpu.toFixed(2)} s CPU`);
  console.log(`${result.mode}:  ${result.seconds.toFixed(2)} s wall, ${result.cpuSeconds.toFixed(2)} s CPU, peak RSS ${result.maxRssMb.toFixed(0)} MB (${result.backups} backups, ${result.logs} logs)`);
  console.log(`ratio to gzip -dc:    ${(result.seconds / gzipSeconds).toFixed(2)}x wall, ${(result.cpuSeconds / gzipCpu).toFixed(2)}x CPU`);
  console.log(`throughput:           ${(bundle.logBytes / 1024 ** 2 / result.seconds).toFixed(0)} MB/s of logs`);
  const rssOk = result.maxRssMb < RSS_LIMIT_MB;
  console.log(`peak RSS < ${RSS_LIMIT_MB} MB:      ${rssOk ? 'yes' : 'NO'}`);
  if (!rssOk || result.backups !== bundle.backups) process.exitCode = 1;
}

await main();
