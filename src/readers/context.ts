// What every reader of one run shares: the model builder, the scanner, the budgets and progress reporting.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { BundleBuilder } from '../model/build.js';
import type { LogScanner } from '../model/bundle.js';
import type { Entry } from './entries/types.js';
import { formatBytes } from '../util/bytes.js';
import { upTo } from './log-bytes.js';
import type { MeteredSource, ReadMeter } from './progress.js';
import type { ReadBudget } from './types.js';

export class ReadContext {
  private path = '';

  constructor(
    readonly builder: BundleBuilder,
    readonly budget: ReadBudget,
    readonly scanner: LogScanner | undefined,
    readonly meter: ReadMeter,
  ) {}

  /** The input being read (a file of a ticket folder, within it). */
  get inputPath(): string {
    return this.path;
  }

  set inputPath(path: string) {
    this.path = path;
    this.meter.input = path;
  }

  /** Counts what `source` has read so far; reported at most every 100 ms. */
  progress(source: MeteredSource, force = false): void {
    this.meter.observe(source, force);
  }

  /** `stream`, counted into a source of its own as it is read: the progress of a file read without an EntrySource. */
  async *metered(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const source = { bytesRead: 0 };
    for await (const chunk of stream) {
      source.bytesRead += chunk.length;
      this.progress(source);
      yield chunk;
    }
    this.progress(source);
  }

  /** The entry's content, decompressed when it starts with the gzip magic (`<backup>-logs.gz` inside a bundle). */
  maybeGunzip(entry: Entry): AsyncIterable<Buffer> {
    return this.inflateLog(entry.stream(), entry.path);
  }

  /**
   * A log's bytes, inflated when they start with the gzip magic, up to the log budget: a log bomb is
   * read and analyzed up to the budget, and a problem says where it was cut.
   */
  inflateLog(source: AsyncIterable<Buffer>, name: string): AsyncIterable<Buffer> {
    const max = Math.min(this.budget.maxLogBytes, this.budget.maxDecompressedBytes);
    const cut = () =>
      this.builder.addProblem(name, `inflates to more than ${formatBytes(max)} (the log budget, budget.maxLogBytes): analyzed up to there, the rest was not read`);
    return gunzipIfNeeded(source, (inflated) => upTo(inflated, max, cut));
  }
}

/** `source`, gunzipped when it starts with the gzip magic; `inflated` may bound what comes out of gunzip. */
export async function* gunzipIfNeeded(
  source: AsyncIterable<Buffer>,
  inflated: (stream: AsyncIterable<Buffer>) => AsyncIterable<Buffer> = (stream) => stream,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => {
      let sentHead = false;
      return {
        next: async () => {
          if (!sentHead) {
            sentHead = true;
            return { done: false, value: head };
          }
          return iterator.next();
        },
        return: async () => (iterator.return ? iterator.return() : { done: true, value: undefined }),
      };
    },
  };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    yield* inflated(Readable.from(rest).pipe(createGunzip()) as AsyncIterable<Buffer>);
  } else {
    yield* rest;
  }
}
