// analyzeEach(): one analysis per input, in parallel on worker threads, each under a heap bound; an unreadable input is one error entry.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ExitCode } from '../constants.js';
import { expandInputs } from './expand.js';
import type { BatchAnalyzeOptions, BatchAnswer, BatchRequest } from './protocol.js';
import { runOne } from './run-one.js';
import type { BatchEntry, BatchResult } from './types.js';

export type { BatchEntry, BatchError, BatchResult } from './types.js';
export type { BatchAnalyzeOptions } from './protocol.js';
export { expandInputs } from './expand.js';

export interface AnalyzeEachOptions extends BatchAnalyzeOptions {
  /** Analyses at once; defaults to the machine's cores. 0 runs them one after another on the calling thread. */
  concurrency?: number;
  /**
   * Each worker's V8 old-generation heap limit in MB: a worker that needs more stops with an error
   * entry for the input it held, and a fresh worker takes the next input. What keeps an analysis
   * small is the readers' streaming and budgets (peak RSS under 300 MB a worker, bench/README.md);
   * this is the backstop. V8 grows a heap more timidly the lower its limit (under 2 GB it collects
   * far more often: 40% more CPU at 224 MB), hence the default of 2048.
   */
  heapLimitMb?: number;
  /** Called as each input finishes (in the order they finish), e.g. to stream JSON Lines or move a progress bar. */
  onEntry?: (entry: BatchEntry, index: number, total: number) => void;
}

export const DEFAULT_HEAP_LIMIT_MB = 2048;

/** Starts a worker; from sources (under tsx: tests, benches) it registers tsx itself to load the .ts entry. */
function startWorker(heapLimitMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapLimitMb };
  if (import.meta.url.endsWith('.ts')) {
    const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
    return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, { eval: true, resourceLimits });
  }
  return new Worker(new URL('./worker.js', import.meta.url), { resourceLimits });
}

/** Analyzes one request on a worker; a worker that dies (out of memory, a crash) answers with an error and is gone. */
function ask(worker: Worker, request: BatchRequest, heapLimitMb: number): Promise<{ answer: BatchAnswer; alive: boolean }> {
  return new Promise((resolve) => {
    const done = (answer: BatchAnswer, alive: boolean) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve({ answer, alive });
    };
    const onMessage = (answer: BatchAnswer) => {
      if (answer.id === request.id) done(answer, true);
    };
    const onError = (error: Error & { code?: string }) => {
      const problem =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of memory (the analysis is bounded to a ${heapLimitMb} MB heap)`
          : `the analysis stopped: ${error.message.split('\n')[0]}`;
      done({ id: request.id, error: { message: `${request.input}: ${problem}`, exitCode: ExitCode.FATAL } }, false);
    };
    const onExit = (code: number) => {
      done({ id: request.id, error: { message: `${request.input}: the analysis stopped (worker exit code ${code})`, exitCode: ExitCode.FATAL } }, false);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

function entryOf(input: string, answer: BatchAnswer, startedAt: number): BatchEntry {
  const durationMs = Math.round(performance.now() - startedAt);
  return 'report' in answer ? { input, report: answer.report, durationMs } : { input, error: answer.error, durationMs };
}

/**
 * Analyzes every input on its own (folders expanded to their bundles), `concurrency` at a time on
 * worker threads. Never throws for an input: one that cannot be read is an entry with its error.
 * Never prints, never exits.
 */
export async function analyzeEach(inputs: string[], options: AnalyzeEachOptions = {}): Promise<BatchResult> {
  const started = performance.now();
  const paths = await expandInputs(inputs);
  const { concurrency, heapLimitMb = DEFAULT_HEAP_LIMIT_MB, onEntry, ...shared } = options;
  const analyzeOptions: BatchAnalyzeOptions = shared;
  const entries: BatchEntry[] = new Array(paths.length);
  const finish = (index: number, entry: BatchEntry) => {
    entries[index] = entry;
    onEntry?.(entry, index, paths.length);
  };

  const slots = Math.min(concurrency ?? availableParallelism(), paths.length);
  if (slots <= 0) {
    for (const [index, input] of paths.entries()) {
      const at = performance.now();
      finish(index, entryOf(input, await runOne(index, input, analyzeOptions), at));
    }
    return { entries, workers: 0, durationMs: Math.round(performance.now() - started) };
  }

  let next = 0;
  const slot = async () => {
    let worker: Worker | undefined;
    try {
      while (next < paths.length) {
        const index = next++;
        const input = paths[index]!;
        const at = performance.now();
        worker ??= startWorker(heapLimitMb);
        const { answer, alive } = await ask(worker, { id: index, input, options: analyzeOptions }, heapLimitMb);
        if (!alive) {
          void worker.terminate();
          worker = undefined;
        }
        finish(index, entryOf(input, answer, at));
      }
    } finally {
      if (worker) await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: slots }, slot));
  return { entries, workers: slots, durationMs: Math.round(performance.now() - started) };
}
