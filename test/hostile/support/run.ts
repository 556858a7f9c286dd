// Spawns CLI runs in one child process with a hard time limit and reports exit codes, output and peak RSS.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Resolved here, so that the child finds the loader whatever folder it runs in.
const TSX = import.meta.resolve('tsx');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ChildResult {
  /** One per CLI run, in order; empty when the child died or was killed. */
  runs: RunResult[];
  /** Peak RSS of the child over all its runs. */
  maxRssMb: number;
  timedOut: boolean;
  /** The child's own exit code (0 unless it crashed). */
  exitCode: number | null;
  /** What the child wrote outside the captured runs (a crash). */
  crash: string;
  seconds: number;
}

/** Runs `snapshot-doctor <args>` for each args list, in order, in one child process in `cwd`; killed after `timeoutMs`. */
export async function runChild(argvs: string[][], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ChildResult> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'sd-child-'));
  const resultFile = join(dir, 'result.json');
  try {
    const { exitCode, timedOut, crash } = await new Promise<{ exitCode: number | null; timedOut: boolean; crash: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX, CHILD, resultFile, JSON.stringify(argvs)], {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const err: Buffer[] = [];
      child.stderr.on('data', (chunk: Buffer) => err.length < 100 && err.push(chunk));
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 180_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code, timedOut: killed, crash: Buffer.concat(err).toString('utf8') });
      });
    });
    const report = JSON.parse(await readFile(resultFile, 'utf8').catch(() => '{"results":[],"maxRssMb":-1}')) as { results: RunResult[]; maxRssMb: number };
    return { runs: report.results, maxRssMb: report.maxRssMb, timedOut, exitCode, crash, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
