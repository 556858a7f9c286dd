// One batch run for bench/batch.bench.ts, in plain Node on the built dist/ code as the bin runs it (no tsx hooks in the workers).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeEach } from '../../dist/src/batch/index.js';

const [mode, folder] = process.argv.slice(2);

/** The loop a user would write without --each: one `snapshot-doctor analyze` process per bundle, measured by /usr/bin/time. */
function processes() {
  const bin = fileURLToPath(new URL('../../bin/snapshot-doctor.js', import.meta.url));
  const files = readdirSync(folder).sort();
  let cpuSeconds = 0;
  let maxRssMb = 0;
  let reports = 0;
  const started = performance.now();
  for (const name of files) {
    const run = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, bin, 'analyze', join(folder, name), '--format', 'json', '--fail-on', 'none', '--quiet'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const [user, system, rssKb] = run.stderr.split('\n').find((l) => l.startsWith('TIME '))?.slice(5).split(' ').map(Number) ?? [0, 0, 0];
    cpuSeconds += user + system;
    maxRssMb = Math.max(maxRssMb, rssKb / 1024);
    if (run.status === 0) reports += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, cpuSeconds, maxRssMb, workers: 0, reports, errors: files.length - reports };
}

async function batch() {
  const concurrency = mode === 'sequential' ? 0 : mode === 'one-worker' ? 1 : availableParallelism();
  const started = performance.now();
  const result = await analyzeEach([folder], { concurrency });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    workers: result.workers,
    reports: result.entries.filter((e) => e.report).length,
    errors: result.entries.filter((e) => e.error).length,
  };
}

process.stdout.write(`${JSON.stringify(mode === 'processes' ? processes() : await batch())}\n`);
