// The log scanner: splits streamed bytes into lines, prefilters every byte once, and matches only candidate lines.
import type { ErrorGroup, LogComponent, LogFile, LogHit, LogScanner } from '../model/bundle.js';
import { parseLogLine, type ParsedLogLine } from '../logs/line.js';
import { parseStartup, STARTUP_LITERAL } from '../logs/startup.js';
import { maskMessage, messageOf } from '../logs/template.js';
import { normalizeVersion } from '../model/versions.js';
import type { CompiledPattern } from './patterns.js';
import { Prefilter } from './prefilter.js';

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
/** Start-up lines kept per file (a container restarted in a crash loop logs one per run). */
const MAX_STARTUPS = 50;
/** Distinct unexplained-error templates kept per file; later new ones are only counted. */
const MAX_ERROR_GROUPS = 200;

/**
 * The level of an error or fatal line, as logrus (logfmt and JSON) and kotsadm's JSON logger write it:
 * the scan's prefilter finds them in the same pass as the rules' literals, so no line is read twice.
 */
const ERROR_LITERALS = ['level=error', 'level=fatal', 'level=panic', '"level":"error"', '"level":"fatal"', '"level":"panic"'];
const ERROR_LEVELS = new Set(['error', 'fatal']);
/** Logs whose unexplained errors are collected: what Velero, its node-agent, plugins and kotsadm write. */
const ERROR_COMPONENTS: ReadonlySet<LogComponent> = new Set<LogComponent>(['server', 'node-agent', 'plugin', 'kotsadm', 'data-mover', 'maintenance', 'backup-log', 'restore-log']);

/** What a literal says about a line holding it, besides the patterns that name it. */
const STARTUP_LINE = 1;
const ERROR_LINE = 2;

/** The literals one candidate line holds. */
interface LineLiterals {
  /** The patterns (of every component) one of whose literals the line holds, ascending, each once. */
  patterns: number[];
  startup: boolean;
  errorLevel: boolean;
}

export class PatternScanner implements LogScanner {
  private readonly prefilter: Prefilter;
  /** For each of the prefilter's literals, the patterns that name it (ascending). */
  private readonly patternsOfLiteral: number[][] = [];
  /** For each of the prefilter's literals, STARTUP_LINE and ERROR_LINE bits. */
  private readonly literalKinds: number[] = [];
  /** Scratch for literalsIn: the call that last collected each pattern. */
  private readonly seenIn: Uint32Array;
  private calls = 0;
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
    this.seenIn = new Uint32Array(patterns.length);
    const ids = new Map<string, number>();
    const idOf = (literal: string): number => {
      const folded = foldAscii(literal);
      let id = ids.get(folded);
      if (id === undefined) {
        id = ids.size;
        ids.set(folded, id);
        this.patternsOfLiteral.push([]);
        this.literalKinds.push(0);
      }
      return id;
    };
    patterns.forEach((pattern, p) => {
      for (const literal of pattern.literals) {
        const named = this.patternsOfLiteral[idOf(literal)]!;
        // Two literals of one pattern may fold to the same one.
        if (named.at(-1) !== p) named.push(p);
      }
    });
    this.literalKinds[idOf(STARTUP_LITERAL)]! |= STARTUP_LINE;
    for (const literal of ERROR_LITERALS) this.literalKinds[idOf(literal)]! |= ERROR_LINE;
    this.prefilter = new Prefilter([...ids.keys()]);
  }

  async scan(file: LogFile, source: AsyncIterable<Buffer>): Promise<void> {
    const state = new FileScan(this, file, this.prefilter);
    for await (const chunk of source) state.push(chunk);
    state.finish();
  }

  /**
   * The literals buf[start, end) holds, found by the prefilter's own search over just that line: the cost
   * follows the line's length, not the number of patterns, and every component's patterns come out of it.
   */
  literalsIn(buf: Buffer, start: number, end: number): LineLiterals {
    const call = ++this.calls;
    const found: LineLiterals = { patterns: [], startup: false, errorLevel: false };
    this.prefilter.eachLiteral(buf, start, end, (id) => {
      const kinds = this.literalKinds[id]!;
      if (kinds & STARTUP_LINE) found.startup = true;
      if (kinds & ERROR_LINE) found.errorLevel = true;
      for (const p of this.patternsOfLiteral[id]!) {
        if (this.seenIn[p] === call) continue;
        this.seenIn[p] = call;
        found.patterns.push(p);
      }
    });
    if (found.patterns.length > 1) found.patterns.sort((a, b) => a - b);
    return found;
  }
}

function lastNewlineBefore(buf: Buffer, from: number, floor: number): number {
  const i = buf.lastIndexOf(10, from);
  return i < floor ? floor - 1 : i;
}

export function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

const NEWLINE = Buffer.from('\n');

/** The per-file scan state. Regions handed to the prefilter always hold whole lines. */
class FileScan {
  /** 1 for the patterns that apply to this file's component. */
  private readonly active: Uint8Array;
  private readonly prefilter: Prefilter;
  private readonly kept = new Map<string, number>();
  /** The start of a line that began in an earlier chunk (at most maxLineLength bytes). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Lines completed so far. */
  private lineNo = 0;
  private bytes = 0;
  private needFirstTime = true;
  private firstTried = 0;
  private recent: { buf: Buffer; newlines: number }[] = [];
  private recentBytes = 0;
  private readonly collectErrors: boolean;
  private errorGroups: Map<string, ErrorGroup> | undefined;

  constructor(
    private readonly scanner: PatternScanner,
    private readonly file: LogFile,
    prefilter: Prefilter,
  ) {
    this.active = new Uint8Array(scanner.patterns.length);
    scanner.patterns.forEach((p, i) => {
      if (!p.components || p.components.has(file.component)) this.active[i] = 1;
    });
    this.prefilter = prefilter;
    this.collectErrors = ERROR_COMPONENTS.has(file.component);
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const before = this.lineNo;
    const firstNewline = chunk.indexOf(10);
    if (firstNewline < 0) {
      this.appendCarry(chunk, 0);
    } else {
      let regionStart = 0;
      if (this.carryBytes > 0) {
        const room = Math.max(0, this.scanner.maxLineLength - this.carryBytes);
        const line = Buffer.concat([...this.carry, chunk.subarray(0, Math.min(firstNewline, room)), NEWLINE]);
        this.carry = [];
        this.carryBytes = 0;
        this.region(line, 0, line.length);
        regionStart = firstNewline + 1;
      }
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline >= regionStart) this.region(chunk, regionStart, lastNewline + 1);
      this.appendCarry(chunk, lastNewline + 1);
    }
    this.keepRecent(chunk, this.lineNo - before);
  }

  finish(): void {
    if (this.carryBytes > 0) {
      const line = Buffer.concat([...this.carry, NEWLINE]);
      this.carry = [];
      this.carryBytes = 0;
      this.region(line, 0, line.length);
    }
    const file = this.file;
    file.bytes = this.bytes;
    file.lines = this.lineNo;
    if (this.errorGroups) file.unexplained = [...this.errorGroups.values()];
    file.tail = this.tail();
    for (let k = file.tail.length - 1; k >= 0; k--) {
      const time = parseLogLine(file.tail[k]!).time;
      if (time) {
        file.lastTime = time;
        break;
      }
    }
  }

  private appendCarry(chunk: Buffer, from: number): void {
    const room = this.scanner.maxLineLength - this.carryBytes;
    if (from >= chunk.length || room <= 0) return;
    // Copied (it is at most one line): recent chunks are kept by reference only for the tail.
    const piece = Buffer.from(chunk.subarray(from, Math.min(chunk.length, from + room)));
    this.carry.push(piece);
    this.carryBytes += piece.length;
  }

  /** Scans buf[start, end), which holds whole lines (the last one ends with its newline). */
  private region(buf: Buffer, start: number, end: number): void {
    const base = this.lineNo;
    if (this.needFirstTime) this.findFirstTime(buf, start, end);
    let counted = start;
    let lines = 0;
    const countUpTo = (limit: number) => {
      for (let i = buf.indexOf(10, counted); i >= 0 && i < limit; i = buf.indexOf(10, i + 1)) {
        lines++;
        counted = i + 1;
      }
    };
    this.prefilter.search(buf, start, end, (lineStart, lineEnd) => {
      // A Go error printed over several lines: the lines that start with a tab belong to the line before.
      let from = lineStart;
      let back = 0;
      while (buf[from] === 9 && from > start) {
        // buf[from - 1] is the newline that ends the line before.
        from = from - 1 > start ? lastNewlineBefore(buf, from - 2, start) + 1 : start;
        back++;
      }
      let to = lineEnd;
      while (to + 1 < end && buf[to + 1] === 9) {
        const next = buf.indexOf(10, to + 1);
        to = next < 0 || next >= end ? end : next;
      }
      countUpTo(lineStart);
      this.matchLine(buf, from, to, base + lines + 1 - back);
      return to;
    });
    countUpTo(end);
    this.lineNo = base + lines;
  }

  private decode(buf: Buffer, start: number, end: number): string {
    let text = buf.toString('utf8', start, Math.min(end, start + this.scanner.maxLineLength));
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.includes('\r\n')) text = text.replace(/\r\n/g, '\n');
    return text.length > this.scanner.maxLineLength ? text.slice(0, this.scanner.maxLineLength) : text;
  }

  private findFirstTime(buf: Buffer, start: number, end: number): void {
    let lineStart = start;
    while (this.needFirstTime && lineStart < end) {
      let lineEnd = buf.indexOf(10, lineStart);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      const time = parseLogLine(this.decode(buf, lineStart, lineEnd)).time;
      this.firstTried++;
      if (time) this.file.firstTime = time;
      if (time || this.firstTried >= FIRST_TIME_LINES) this.needFirstTime = false;
      lineStart = lineEnd + 1;
    }
  }

  /** A candidate line: try the patterns (of this file's component) whose literals it holds. */
  private matchLine(buf: Buffer, start: number, end: number, lineNo: number): void {
    const text = this.decode(buf, start, end);
    const found = this.scanner.literalsIn(buf, start, Math.min(end, start + this.scanner.maxLineLength));
    const { patterns } = this.scanner;
    let parsed: ParsedLogLine | undefined;
    let matched = false;
    /** A pattern's regex matched, even if its level filter then refused the line. */
    let regexMatched = false;
    for (const p of found.patterns) {
      if (!this.active[p]) continue;
      const pattern = patterns[p]!;
      const m = pattern.regex.exec(text);
      if (!m) continue;
      regexMatched = true;
      if (pattern.levels) {
        parsed ??= parseLogLine(text);
        if (!parsed.level || !pattern.levels.has(parsed.level)) continue;
      }
      matched = true;
      this.record(pattern, m, text, lineNo);
    }
    if (found.startup) this.noteStartup(text, lineNo);
    if (!matched && this.collectErrors && found.errorLevel) {
      parsed ??= parseLogLine(text);
      if (parsed.level && ERROR_LEVELS.has(parsed.level) && !regexMatched && !this.explainedElsewhere(found.patterns, text)) this.noteUnexplained(parsed, text, lineNo);
    }
  }

  private noteStartup(text: string, lineNo: number): void {
    const startup = parseStartup(text);
    const version = normalizeVersion(startup?.version);
    if (!startup || !version) return;
    const startups = (this.file.startups ??= []);
    if (startups.length >= MAX_STARTUPS) startups.splice(1, 1);
    const time = parseLogLine(text).time;
    startups.push(time ? { line: lineNo, program: startup.program, version, time } : { line: lineNo, program: startup.program, version });
  }

  /**
   * A rule pattern for another component matches the line (one limited to other levels was tried already):
   * the same error in a server log and in a backup's log is explained once a rule knows it. Only the patterns
   * whose literals the line holds can match it.
   */
  private explainedElsewhere(candidates: readonly number[], text: string): boolean {
    const { patterns } = this.scanner;
    return candidates.some((p) => !this.active[p] && patterns[p]!.regex.test(text));
  }

  private noteUnexplained(parsed: ParsedLogLine, text: string, lineNo: number): void {
    const template = maskMessage(messageOf(parsed, text));
    if (!template) return;
    const groups = (this.errorGroups ??= new Map());
    let group = groups.get(template);
    if (!group) {
      if (groups.size >= MAX_ERROR_GROUPS) return;
      group = { template, count: 0, hours: {}, example: text.length > MAX_KEPT_LINE ? text.slice(0, MAX_KEPT_LINE) : text, line: lineNo };
      groups.set(template, group);
    }
    group.count++;
    const time = parsed.time ?? parsed.fields.ts;
    const ms = time === undefined ? NaN : Date.parse(time);
    if (!Number.isNaN(ms)) {
      const iso = new Date(ms).toISOString();
      group.firstTime ??= iso;
      group.lastTime = iso;
      const hour = iso.slice(0, 13);
      group.hours[hour] = (group.hours[hour] ?? 0) + 1;
    }
  }

  private record(pattern: CompiledPattern, m: RegExpExecArray, text: string, lineNo: number): void {
    const counts = this.file.hitCounts;
    counts[pattern.key] = (counts[pattern.key] ?? 0) + 1;
    const kept = this.kept.get(pattern.key) ?? 0;
    if (kept >= this.scanner.maxHitsPerPattern) return;
    this.kept.set(pattern.key, kept + 1);
    const groups: Record<string, string> = {};
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) groups[k] = v;
    const hit: LogHit = {
      patternKey: pattern.key,
      line: lineNo,
      text: text.length > MAX_KEPT_LINE ? text.slice(0, MAX_KEPT_LINE) : text,
      groups,
    };
    this.file.hits.push(hit);
  }

  private keepRecent(chunk: Buffer, newlines: number): void {
    this.recent.push({ buf: chunk, newlines });
    this.recentBytes += chunk.length;
    const want = this.scanner.tailLines + 1;
    while (this.recent.length > 1) {
      const oldest = this.recent[0]!;
      const newer = this.recent.reduce((n, r) => n + r.newlines, 0) - oldest.newlines;
      if (newer < want && this.recentBytes - oldest.buf.length < TAIL_BYTES) break;
      this.recent.shift();
      this.recentBytes -= oldest.buf.length;
    }
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
