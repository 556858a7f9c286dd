// What the collector hands to a worker thread: redacting big texts, and building the files of big custom-resource lists from their raw pages.
import { Worker } from 'node:worker_threads';
import type { RedactionConfig } from '../config/index.js';
import { createRedactor, type RedactionSummary, type Redactor } from '../redact/index.js';
import type { BuiltFile } from './array-file.js';
import { ListFiles, NotJsonError, type ListTarget, type PageSummary, type Reads } from './list-files.js';
import { asBuffer, transferable, type OffloadAnswer, type OffloadRequest } from './offload-protocol.js';
import { listContinue } from './pages.js';
import { byCodeUnits } from '../util/compare.js';

/**
 * Below this many bytes a text is redacted, or a one-page list built, on the main thread: a worker
 * round trip would cost more than it saves.
 */
const OFFLOAD_MIN_BYTES = 256 * 1024;

/** A request without its id (ask() numbers it). */
type Body = OffloadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (answer: OffloadAnswer) => void;
  reject: (error: Error) => void;
}

/**
 * The collector's main thread must stay free to send the next request the moment a slot frees:
 * parsing, redacting and compressing 20,000 PodVolumeBackups there held back every other request
 * (bench/collect.bench.ts). That work runs on one worker thread; each side keeps its own redaction
 * tally, and summary() merges them. Without worker threads everything runs inline.
 */
export class Offload {
  private readonly inline: Redactor;
  private worker: Worker | undefined;
  private workerFailed = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextList = 0;

  constructor(
    private readonly config: RedactionConfig | undefined,
    /** The gzip level of big files compressed ahead (BuiltFile). */
    readonly level: number,
  ) {
    this.inline = createRedactor(config);
  }

  /** Starts the worker ahead of the first big list, so that its start-up overlaps the first round trips. */
  warmUp(): void {
    this.startWorker();
  }

  async redactText(text: string, path: string): Promise<string> {
    const worker = text.length >= OFFLOAD_MIN_BYTES ? this.startWorker() : undefined;
    if (!worker) return this.inline.redactText(text, path);
    return (await this.ask({ redact: { text, path } })).text ?? '';
  }

  /** The files of one custom-resource list, fed page by page. */
  list(target: ListTarget): ListBuilder {
    return new ListBuilder(target, this.nextList++, {
      inline: () => new ListFiles(target, (text, path) => this.inline.redactText(text, path), this.level),
      worker: () => this.startWorker() !== undefined,
      ask: (body, transfer) => this.ask(body, transfer),
    });
  }

  async summary(): Promise<RedactionSummary> {
    const own = this.inline.summary();
    if (!this.worker) return own;
    const other = (await this.ask({ summary: true })).summary;
    return other ? mergeSummaries(own, other) : own;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** The worker, started if need be; undefined where worker threads fail. */
  private startWorker(): Worker | undefined {
    if (this.worker || this.workerFailed) return this.worker;
    try {
      const workerData = { config: this.config, level: this.level };
      // Built, the worker is the .js beside this file. Run from sources under tsx (tests, benches), the
      // worker thread has no loader for .ts until it registers tsx itself.
      const worker = import.meta.url.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./offload-worker.ts', import.meta.url).href)}); })`,
            { eval: true, workerData },
          )
        : new Worker(new URL('./offload-worker.js', import.meta.url), { workerData });
      worker.on('message', (answer: OffloadAnswer) => {
        const pending = this.pending.get(answer.id);
        this.pending.delete(answer.id);
        if (this.pending.size === 0) worker.unref();
        if (answer.notJson) pending?.reject(new NotJsonError());
        else if (answer.error !== undefined) pending?.reject(new Error(`collect worker: ${answer.error}`));
        else pending?.resolve(answer);
      });
      worker.on('error', (error) => this.lose(worker, error));
      worker.on('exit', (code) => {
        if (code !== 0) this.lose(worker, new Error(`the collect worker exited with code ${code}`));
      });
      // Idle, the worker must not keep the process alive; asked, it must (see ask()).
      worker.unref();
      this.worker = worker;
    } catch {
      // No worker threads here: everything runs on the main thread.
      this.workerFailed = true;
    }
    return this.worker;
  }

  private ask(body: Body, transfer: ArrayBuffer[] = []): Promise<OffloadAnswer> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the collect worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // An answer awaited with nothing else under way (the last list's files) must not let the process exit first.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...body } as OffloadRequest, transfer);
    });
  }

  /** A worker that died fails what it was asked; later lists and texts are handled inline. */
  private lose(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.workerFailed = true;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/**
 * One list's files. Where its pages are handled is settled by the first: on the worker for a list
 * of several pages or a big one, inline otherwise (most lists are a few objects).
 */
export class ListBuilder {
  private inline: ListFiles | undefined;
  private onWorker: boolean | undefined;

  constructor(
    private readonly target: ListTarget,
    private readonly id: number,
    private readonly port: {
      /** Files built on this thread. */
      inline: () => ListFiles;
      /** Whether the worker runs (started if need be). */
      worker: () => boolean;
      ask: (body: Body, transfer: ArrayBuffer[]) => Promise<OffloadAnswer>;
    },
  ) {}

  /**
   * Adds a page, in the chunks it arrived in; `reads` says which of its objects to send back, and
   * which of their fields (ListFiles.add). The chunks' memory moves to the worker: the caller must
   * not read them afterwards, and must await the answer before finish() (the worker takes requests in order).
   */
  async add(page: Buffer[], reads?: Reads): Promise<PageSummary> {
    const size = page.reduce((sum, chunk) => sum + chunk.length, 0);
    this.onWorker ??= (size >= OFFLOAD_MIN_BYTES || listContinue(page) !== null) && this.port.worker();
    if (!this.onWorker) {
      this.inline ??= this.port.inline();
      return this.inline.add(Buffer.concat(page).toString('utf8'), reads);
    }
    // A chunk that shares its memory (a small Buffer from Node's pool) is copied; the others move.
    const owned = page.map((chunk) => (transferable(chunk).length > 0 ? chunk : Buffer.from(chunk)));
    const answer = await this.port.ask({ page: { list: this.id, target: this.target, chunks: owned, reads } }, owned.flatMap(transferable));
    return answer.page ?? { count: 0, continue: undefined };
  }

  async finish(): Promise<BuiltFile[]> {
    if (!this.onWorker) return this.inline?.finish() ?? [];
    const files = (await this.port.ask({ finish: { list: this.id } }, [])).files ?? [];
    return files.map((file) => ('gzip' in file ? { ...file, gzip: asBuffer(file.gzip) } : { ...file, content: asBuffer(file.content) }));
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
  const redactions = [...pairs.values()].sort((x, y) => byCodeUnits(x.file, y.file) || byCodeUnits(x.redactor, y.redactor));
  const byRedactor: Record<string, number> = {};
  for (const name of [...new Set([...Object.keys(a.byRedactor), ...Object.keys(b.byRedactor)])].sort()) {
    byRedactor[name] = (a.byRedactor[name] ?? 0) + (b.byRedactor[name] ?? 0);
  }
  return { mask: a.mask, total: a.total + b.total, redactions, byRedactor, redactors: { ...a.redactors, ...b.redactors } };
}
