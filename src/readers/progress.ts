// Progress over one run's inputs: decompressed bytes read, against a total estimated up front, refined while reading, exact at the end.
import type { ReadProgress } from './types.js';

/** What a source being read tells about itself: bytes read so far (decompressed), and its own estimate of all it holds. */
export interface MeteredSource {
  readonly bytesRead: number;
  readonly estimatedBytes?: number;
}

/** Reports at most this often, but always the last report of a phase. */
const INTERVAL_MS = 100;
/** Once an estimate is passed, the total stays this far ahead of what was read, until the end says how much there was. */
const PAST_ESTIMATE = 1.05;

export class ReadMeter {
  private done = 0;
  /** `done` when the current input (as given by the caller) began. */
  private inputStart = 0;
  private inputEstimate: number | undefined;
  /** What the display names: the input being read (a ticket folder's file, within the folder). */
  input: string | undefined;
  /** `done` when the current source began: an input may be read through several (a ticket folder's files). */
  private sourceStart = 0;
  private source: MeteredSource | undefined;
  private pending: (number | undefined)[] = [];
  private lastReport = 0;

  constructor(
    private readonly onProgress: ((progress: ReadProgress) => void) | undefined,
    private readonly phase: 'reading' | 'redacting',
  ) {}

  /** The estimates of every input, in the order they will be read. */
  plan(estimates: (number | undefined)[]): void {
    this.pending = [...estimates];
  }

  /** The next input of the plan begins. */
  beginInput(input: string): void {
    this.settleSource();
    this.input = input;
    this.inputStart = this.done;
    this.inputEstimate = this.pending.shift();
  }

  /** Counts what `source` read so far, and reports (at most every 100 ms unless forced). */
  observe(source: MeteredSource, force = false): void {
    if (source !== this.source) {
      this.settleSource();
      this.source = source;
    }
    this.done = Math.max(this.done, this.sourceStart + source.bytesRead);
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastReport < INTERVAL_MS) return;
    this.lastReport = now;
    this.onProgress({ phase: this.phase, ...(this.input ? { input: this.input } : {}), done: this.done, total: this.total(), unit: 'bytes' });
  }

  /** Everything was read: the last report, whose total is what was read. */
  finish(): void {
    this.settleSource();
    this.onProgress?.({ phase: this.phase, ...(this.input ? { input: this.input } : {}), done: this.done, total: this.done, unit: 'bytes' });
  }

  private settleSource(): void {
    if (this.source) this.done = Math.max(this.done, this.sourceStart + this.source.bytesRead);
    this.source = undefined;
    this.sourceStart = this.done;
  }

  private total(): number | undefined {
    const read = this.done - this.inputStart;
    const sourceEstimate = this.source?.estimatedBytes;
    let estimate = this.inputEstimate;
    if (sourceEstimate !== undefined) estimate = Math.max(estimate ?? 0, this.sourceStart - this.inputStart + sourceEstimate);
    if (estimate === undefined || this.pending.some((p) => p === undefined)) return undefined;
    if (read > estimate) estimate = Math.ceil(read * PAST_ESTIMATE);
    return this.inputStart + estimate + this.pending.reduce<number>((sum, p) => sum + (p ?? 0), 0);
  }
}

/** `stream`, reporting the progress of `source` (which counts its bytes itself) after each chunk: a long entry moves the bar while it streams. */
export async function* ticking(stream: AsyncIterable<Buffer>, source: MeteredSource, meter: ReadMeter): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    yield chunk;
    meter.observe(source);
  }
}
