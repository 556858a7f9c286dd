// Runs CLI invocations in this process and reports exit codes, output and peak memory (for the hostile-input tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { main } from '../../../src/cli/main.js';

/**
 * Peak RSS of this process in MB. On Linux, VmHWM: getrusage's ru_maxrss also counts the parent's
 * memory at fork time (it survives exec), which would charge the test runner's size to the child.
 */
function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Math.round(Number(match[1]) / 1024);
  } catch {
    // Not Linux: fall back below.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Output kept per run: enough for a report's problems, never a runaway report. */
const KEEP = 4 * 1024 * 1024;

async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let outLength = 0;
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (outLength < KEEP) out.push(String(chunk));
    outLength += chunk.length;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

// argv: <result file> <JSON array of CLI argument lists>
const [resultFile, runs] = process.argv.slice(2);
const results = [];
for (const argv of JSON.parse(runs ?? '[]') as string[][]) results.push(await capture(argv));
writeFileSync(resultFile!, JSON.stringify({ results, maxRssMb: peakRssMb() }));
