// Runs the CLI in-process (through main()) capturing stdout, stderr and the exit code.
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * In-process run: fast, and exercises the same code path as the bin (which only sets process.exitCode).
 * Only string writes are captured: under `node --test` the runner itself reports to the parent through
 * binary writes on this same stdout, and those must pass through untouched.
 */
export async function runCli(argv: string[], options: { keepStdoutChars?: number } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  // A cap keeps a runaway report (the hostile inputs) from filling the test's memory; the length still counts.
  const keep = options.keepStdoutChars ?? Number.POSITIVE_INFINITY;
  let outLength = 0;
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return stdoutWrite(chunk, ...rest);
    if (outLength < keep) out.push(chunk);
    outLength += chunk.length;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}
