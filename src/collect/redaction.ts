// Redaction for the collector: small texts on the main thread, big ones (tens of MB of objects) on a worker thread.
import { Worker } from 'node:worker_threads';
import type { RedactionConfig } from '../config/index.js';
import { createRedactor, type RedactionSummary, type Redactor } from '../redact/index.js';

/** Below this many characters a text is redacted in place: a worker round trip would cost more than it saves. */
const OFFLOAD_MIN_CHARS = 256 * 1024;

interface Pending {
  resolve: (value: { text?: string; summary?: RedactionSummary }) => void;
  reject: (error: Error) => void;
}

/**
 * The collector spends most of its CPU redacting big object lists; on a worker thread that work
 * overlaps with parsing the next pages on the main one (measured in bench/collect.bench.ts). Each
 * side keeps its own tally; summary() merges them.
 */
export class CollectRedactor {
  private readonly inline: Redactor;
  private worker: Worker | undefined;
  private workerFailed = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly config: RedactionConfig | undefined) {
    this.inline = createRedactor(config);
  }

  async redactText(text: string, path: string): Promise<string> {
    const worker = text.length >= OFFLOAD_MIN_CHARS ? this.startWorker() : undefined;
    if (!worker) return this.inline.redactText(text, path);
    const answer = await this.ask(worker, { text, path });
    return answer.text ?? '';
  }

  async summary(): Promise<RedactionSummary> {
    const own = this.inline.summary();
    if (!this.worker) return own;
    const other = (await this.ask(this.worker, { summary: true })).summary;
    return other ? mergeSummaries(own, other) : own;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private startWorker(): Worker | undefined {
    if (this.worker || this.workerFailed) return this.worker;
    try {
      const workerData = { config: this.config };
      // Built, the worker is the .js beside this file. Run from sources under tsx (tests, benches), the
      // worker thread has no loader for .ts until it registers tsx itself.
      const worker = import.meta.url.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./redact-worker.ts', import.meta.url).href)}); })`,
            { eval: true, workerData },
          )
        : new Worker(new URL('./redact-worker.js', import.meta.url), { workerData });
      worker.on('message', (message: { id: number; text?: string; summary?: RedactionSummary; error?: string }) => {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(`redaction worker: ${message.error}`));
        else pending?.resolve(message);
      });
      worker.on('error', (error) => this.failAll(error));
      worker.on('exit', (code) => {
        if (this.worker === worker && code !== 0) this.failAll(new Error(`the redaction worker exited with code ${code}`));
      });
      worker.unref();
      this.worker = worker;
    } catch {
      // No worker threads here: everything is redacted on the main thread.
      this.workerFailed = true;
    }
    return this.worker;
  }

  private ask(worker: Worker, body: { text: string; path: string } | { summary: true }): Promise<{ text?: string; summary?: RedactionSummary }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...body });
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** The two tallies; a file redacted in parts on both sides (a big list's pages) is counted once per redactor. */
function mergeSummaries(a: RedactionSummary, b: RedactionSummary): RedactionSummary {
  const pairs = new Map<string, RedactionSummary['redactions'][number]>();
  for (const entry of [...a.redactions, ...b.redactions]) {
    const key = `${entry.redactor}\0${entry.file}`;
    const seen = pairs.get(key);
    if (seen) seen.count += entry.count;
    else pairs.set(key, { ...entry });
  }
  const redactions = [...pairs.values()].sort((x, y) => x.file.localeCompare(y.file) || x.redactor.localeCompare(y.redactor));
  const byRedactor: Record<string, number> = {};
  for (const name of [...new Set([...Object.keys(a.byRedactor), ...Object.keys(b.byRedactor)])].sort()) {
    byRedactor[name] = (a.byRedactor[name] ?? 0) + (b.byRedactor[name] ?? 0);
  }
  return { mask: a.mask, total: a.total + b.total, redactions, byRedactor, redactors: { ...a.redactors, ...b.redactors } };
}
