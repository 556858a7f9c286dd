// The log scanner: splits streamed bytes into lines, prefilters every byte once, and matches only candidate lines.
import type { LogFile, LogHit, LogScanner } from '../model/bundle.js';
import { parseLogLine, type ParsedLogLine } from '../logs/line.js';
import type { CompiledPattern } from './patterns.js';
import { Prefilter, type PrefilterHandler } from './prefilter.js';

export interface ScannerOptions {
  /** Characters of one line that are scanned and kept; longer lines are cut. */
  maxLineLength?: number;
  /** LogHits kept per pattern per file (hitCounts keep the true totals). */
  maxHitsPerPattern?: number;
  /** Lines kept in LogFile.tail. */
  tailLines?: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
export const DEFAULT_MAX_HITS_PER_PATTERN = 1000;
export const DEFAULT_TAIL_LINES = 30;
/** A kept hit or tail line longer than this is cut (the regex still saw up to maxLineLength). */
export const MAX_KEPT_LINE = 16 * 1024;
const MAX_TAIL_LINE = 2000;
/** Lines tried at the start of a file for its first timestamp. */
const FIRST_TIME_LINES = 50;
/** Bytes of recent chunks kept for the tail. */
const TAIL_BYTES = 4 * 1024 * 1024;

export class PatternScanner implements LogScanner {
  private readonly prefilter: Prefilter | undefined;
  /** Literal id → indexes (into `patterns`) of the patterns that own it. */
  private readonly literalPatterns: number[][];
  readonly maxLineLength: number;
  readonly maxHitsPerPattern: number;
  readonly tailLines: number;

  constructor(
    readonly patterns: readonly CompiledPattern[],
    options: ScannerOptions = {},
  ) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.maxHitsPerPattern = options.maxHitsPerPattern ?? DEFAULT_MAX_HITS_PER_PATTERN;
    this.tailLines = options.tailLines ?? DEFAULT_TAIL_LINES;
    const ids = new Map<string, number>();
    const literalPatterns: number[][] = [];
    patterns.forEach((pattern, p) => {
      for (const literal of pattern.literals) {
        const folded = literal.replace(/[A-Z]+/g, (s) => s.toLowerCase());
        let id = ids.get(folded);
        if (id === undefined) {
          id = literalPatterns.length;
          ids.set(folded, id);
          literalPatterns.push([]);
        }
        literalPatterns[id]!.push(p);
      }
    });
    this.literalPatterns = literalPatterns;
    this.prefilter = literalPatterns.length > 0 ? new Prefilter([...ids.keys()]) : undefined;
  }

  async scan(file: LogFile, source: AsyncIterable<Buffer>): Promise<void> {
    const state = new FileScan(this, file, this.literalPatterns);
    const prefilter = state.anyActive ? this.prefilter : undefined;
    let s = prefilter?.initialState ?? 0;
    for await (const chunk of source) {
      state.beginChunk(chunk);
      if (prefilter) s = prefilter.scan(chunk, 0, chunk.length, s, state);
      else {
        // No pattern applies to this file's component: only lines, tail and times.
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) state.onNewline(i);
      }
      state.endChunk();
    }
    state.finish();
  }
}

/** The per-file scan state; the prefilter calls it back on literals and newlines. */
class FileScan implements PrefilterHandler {
  readonly anyActive: boolean;
  private readonly active: Uint8Array;
  private readonly stamp: Int32Array;
  private readonly candidates: number[] = [];
  private readonly kept = new Map<string, number>();
  private chunk: Buffer = Buffer.alloc(0);
  /** Start of the current line in `chunk` (0 when it began in an earlier chunk: see `carry`). */
  private lineStart = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private lineNo = 1;
  private bytes = 0;
  private needFirstTime = true;
  private recent: { buf: Buffer; newlines: number }[] = [];
  private recentBytes = 0;
  private chunkFirstLine = 1;

  constructor(
    private readonly scanner: PatternScanner,
    private readonly file: LogFile,
    private readonly literalPatterns: number[][],
  ) {
    const n = scanner.patterns.length;
    this.active = new Uint8Array(n);
    this.stamp = new Int32Array(n);
    let any = false;
    scanner.patterns.forEach((p, i) => {
      if (!p.components || p.components.has(file.component)) {
        this.active[i] = 1;
        any = true;
      }
    });
    this.anyActive = any;
  }

  beginChunk(chunk: Buffer): void {
    this.chunk = chunk;
    this.lineStart = 0;
    this.bytes += chunk.length;
    this.chunkFirstLine = this.lineNo;
  }

  onLiteral(outputs: readonly number[], _i: number): void {
    const line = this.lineNo;
    for (const id of outputs) {
      for (const p of this.literalPatterns[id]!) {
        if (this.active[p] === 1 && this.stamp[p] !== line) {
          this.stamp[p] = line;
          this.candidates.push(p);
        }
      }
    }
  }

  onNewline(i: number): void {
    if (this.candidates.length > 0 || this.needFirstTime) this.lineEnded(i);
    this.lineNo++;
    this.lineStart = i + 1;
    if (this.carryBytes > 0) {
      this.carry = [];
      this.carryBytes = 0;
    }
  }

  endChunk(): void {
    const { chunk } = this;
    if (this.lineStart < chunk.length) {
      const room = this.scanner.maxLineLength - this.carryBytes;
      if (room > 0) {
        const piece = chunk.subarray(this.lineStart, Math.min(chunk.length, this.lineStart + room));
        // Copied (it is small): recent chunks are kept by reference only for the tail.
        this.carry.push(Buffer.from(piece));
        this.carryBytes += piece.length;
      }
    }
    const newlines = this.lineNo - this.chunkFirstLine;
    this.recent.push({ buf: chunk, newlines });
    this.recentBytes += chunk.length;
    const want = this.scanner.tailLines + 1;
    while (this.recent.length > 1) {
      const oldest = this.recent[0]!;
      const rest = this.recent.slice(1);
      const newer = rest.reduce((n, r) => n + r.newlines, 0);
      if (newer < want && this.recentBytes - oldest.buf.length < TAIL_BYTES) break;
      this.recent.shift();
      this.recentBytes -= oldest.buf.length;
    }
  }

  finish(): void {
    const pendingLine = this.carryBytes > 0;
    if (pendingLine) {
      this.chunk = Buffer.alloc(0);
      this.lineStart = 0;
      if (this.candidates.length > 0 || this.needFirstTime) this.lineEnded(0);
    }
    const file = this.file;
    file.bytes = this.bytes;
    file.lines = pendingLine ? this.lineNo : this.lineNo - 1;
    file.tail = this.tail();
    for (let k = file.tail.length - 1; k >= 0; k--) {
      const time = parseLogLine(file.tail[k]!).time;
      if (time) {
        file.lastTime = time;
        break;
      }
    }
  }

  /** The line that ends at byte `end` of the chunk (exclusive), cut at maxLineLength. */
  private lineText(end: number): string {
    const max = this.scanner.maxLineLength;
    let text: string;
    if (this.carryBytes === 0) {
      text = this.chunk.toString('utf8', this.lineStart, Math.min(end, this.lineStart + max));
    } else {
      const room = Math.max(0, max - this.carryBytes);
      const parts = [...this.carry, this.chunk.subarray(0, Math.min(end, room))];
      text = Buffer.concat(parts).toString('utf8');
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.length > max ? text.slice(0, max) : text;
  }

  private lineEnded(end: number): void {
    const text = this.lineText(end);
    let parsed: ParsedLogLine | undefined;
    if (this.needFirstTime) {
      parsed = parseLogLine(text);
      if (parsed.time) {
        this.file.firstTime = parsed.time;
        this.needFirstTime = false;
      } else if (this.lineNo >= FIRST_TIME_LINES) this.needFirstTime = false;
    }
    if (this.candidates.length === 0) return;
    const patterns = this.scanner.patterns;
    // Candidates in pattern order, so that hits come out in the same order whatever the literal order.
    const candidates = this.candidates.length > 1 ? this.candidates.sort((a, b) => a - b) : this.candidates;
    for (const p of candidates) {
      const pattern = patterns[p]!;
      const m = pattern.regex.exec(text);
      if (!m) continue;
      if (pattern.levels) {
        parsed ??= parseLogLine(text);
        if (!parsed.level || !pattern.levels.has(parsed.level)) continue;
      }
      this.record(pattern, m, text);
    }
    this.candidates.length = 0;
  }

  private record(pattern: CompiledPattern, m: RegExpExecArray, text: string): void {
    const counts = this.file.hitCounts;
    counts[pattern.key] = (counts[pattern.key] ?? 0) + 1;
    const kept = this.kept.get(pattern.key) ?? 0;
    if (kept >= this.scanner.maxHitsPerPattern) return;
    this.kept.set(pattern.key, kept + 1);
    const groups: Record<string, string> = {};
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) groups[k] = v;
    const hit: LogHit = {
      patternKey: pattern.key,
      line: this.lineNo,
      text: text.length > MAX_KEPT_LINE ? text.slice(0, MAX_KEPT_LINE) : text,
      groups,
    };
    this.file.hits.push(hit);
  }

  private tail(): string[] {
    if (this.recent.length === 0) return [];
    const bytes = Buffer.concat(this.recent.map((r) => r.buf));
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 10) end--;
    const lines: string[] = [];
    while (lines.length < this.scanner.tailLines && end > 0) {
      const start = bytes.lastIndexOf(10, end - 1) + 1;
      let line = bytes.toString('utf8', start, Math.min(end, start + MAX_TAIL_LINE * 4));
      if (line.endsWith('\r')) line = line.slice(0, -1);
      lines.push(line.length > MAX_TAIL_LINE ? line.slice(0, MAX_TAIL_LINE) : line);
      end = start - 1;
      // A line that began before the kept bytes is incomplete: stop there.
      if (start === 0) break;
    }
    return lines.reverse();
  }
}
