// One batch run for bench/batch.bench.ts, in plain Node on the built dist/ code as the bin runs it (no tsx hooks in the workers).
import { availableParallelism } from 'node:os';
import { analyzeEach } from '../../dist/src/batch/index.js';

const [mode, folder] = process.argv.slice(2);
const concurrency = mode === 'sequential' ? 0 : mode === 'one-worker' ? 1 : availableParallelism();
const started = performance.now();
const result = await analyzeEach([folder], { concurrency });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    workers: result.workers,
    reports: result.entries.filter((e) => e.report).length,
    errors: result.entries.filter((e) => e.error).length,
  })}\n`,
);
