// Runs CLI invocations in this process and reports exit codes, output and peak memory (for the hostile-input tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { runCli } from '../../support/cli.js';

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

// argv: <result file> <JSON array of CLI argument lists>
const [resultFile, runs] = process.argv.slice(2);
const results = [];
for (const argv of JSON.parse(runs ?? '[]') as string[][]) results.push(await runCli(argv, { keepStdoutChars: KEEP }));
writeFileSync(resultFile!, JSON.stringify({ results, maxRssMb: peakRssMb() }));
