// Streams the entries of a .tar / .tar.gz archive: node's zlib (off the main thread) feeding tar's Parser, never extracted.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { BudgetError, EntryBudgetError, InputError } from '../../errors.js';
import type { Problem } from '../../model/bundle.js';
import { gzipTrailerSize, inflatedEstimate } from '../size-estimate.js';
import type { ReadBudget } from '../types.js';
import { formatBytes } from '../../util/bytes.js';
import { isTopLevelName, resolveLinkTarget, safeRelativePath } from './paths.js';
import type { Entry, EntrySource } from './types.js';

/** Entry types that carry no content worth reading and no risk: skipped silently. */
const SKIPPED_TYPES = new Set(['Directory', 'GlobalExtendedHeader', 'ExtendedHeader', 'NextFileHasLongLinkpath', 'NextFileHasLongPath', 'OldGnuLongPath']);

/**
 * An archive read in one pass. The consumer pulls entries one at a time; the parser only moves on once
 * the current entry's content was read or skipped, so memory stays bounded by a few chunks.
 */
export class ArchiveEntries implements EntrySource {
  readonly kind = 'archive' as const;
  readonly problems: Problem[] = [];
  root: string | undefined;
  bytesRead = 0;
  totalBytes = 0;
  /** Bytes of the archive file read so far (compressed). */
  inputBytesRead = 0;
  private rootDecided = false;
  /** The gzip trailer's uncompressed size (mod 2^32). */
  private trailerSize: number | undefined;

  constructor(
    readonly inputPath: string,
    private readonly gzipped: boolean,
    private readonly budget: ReadBudget,
  ) {}

  get estimatedBytes(): number {
    if (!this.gzipped) return this.totalBytes;
    return inflatedEstimate(this.trailerSize, { size: this.totalBytes, read: this.inputBytesRead, inflated: this.bytesRead });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Entry> {
    this.totalBytes = (await stat(this.inputPath)).size;
    if (this.gzipped) this.trailerSize = await gzipTrailerSize(this.inputPath, this.totalBytes);
    const parser = new Parser({ strict: false });
    const queue: ReadEntry[] = [];
    const warnings: string[] = [];
    let finished = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const signal = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    parser.on('entry', (entry: ReadEntry) => {
      queue.push(entry);
      signal();
    });
    parser.on('warn', (code: string, message: string | Error) => {
      warnings.push(`${code}: ${typeof message === 'string' ? message : message.message}`);
    });
    const file = createReadStream(this.inputPath, { highWaterMark: 256 * 1024 });
    const source = this.gzipped ? file.pipe(createGunzip({ chunkSize: 128 * 1024 })) : file;
    if (this.gzipped) file.on('error', (error) => source.destroy(error));
    file.on('data', (chunk) => {
      this.inputBytesRead += chunk.length;
    });
    let entriesSeen = 0;
    let current: ReadEntry | undefined;
    /** The consumer stopped early (break, throw): the pump must not wait for a parser nobody reads. */
    let stopped = false;
    const pump = (async () => {
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          if (stopped) return;
          this.bytesRead += chunk.length;
          if (this.bytesRead > this.budget.maxDecompressedBytes) {
            throw new BudgetError(
              this.inputPath,
              `expands to more than ${formatBytes(this.budget.maxDecompressedBytes)} (the decompressed-size budget); not read further`,
            );
          }
          if (!parser.write(chunk)) await once(parser, 'drain');
        }
        if (stopped) return;
        // Listen first: with nothing pending, end() emits 'end' synchronously.
        const ended = once(parser, 'end');
        parser.end();
        await ended;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        // The entry being read will get no more data: end it, so that its reader finishes with what came.
        if (current && !current.emittedEnd) current.end();
      } finally {
        finished = true;
        signal();
      }
    })();
    try {
      for (;;) {
        if (queue.length === 0) {
          if (finished) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (queue.length > 0 || finished) signal();
          });
          continue;
        }
        const raw = queue.shift()!;
        current = raw;
        entriesSeen += 1;
        if (entriesSeen > this.budget.maxEntries) {
          raw.resume();
          throw new EntryBudgetError(this.inputPath, this.budget.maxEntries, 'entries');
        }
        const entry = this.toEntry(raw);
        if (!entry) {
          raw.resume();
          continue;
        }
        let started = false;
        yield {
          ...entry,
          stream: () => {
            if (started) throw new Error(`${entry.path}: stream() may be called once`);
            started = true;
            return raw as AsyncIterable<Buffer>;
          },
        };
        // Whatever the consumer left unread is skipped, so that the parser can go on.
        if (!raw.emittedEnd) raw.resume();
      }
    } finally {
      if (!finished) {
        // The consumer stopped early: stop reading, and release a pump waiting for the parser to drain.
        stopped = true;
        source.destroy();
        file.destroy();
        parser.emit('drain');
        parser.emit('end');
      }
      await pump;
    }
    if (failure instanceof BudgetError) throw failure;
    if (failure) {
      const reason = describeFailure(failure);
      if (entriesSeen === 0) throw new InputError(this.inputPath, reason, { cause: failure });
      this.problems.push({ source: this.inputPath, message: `${reason}; read the ${entriesSeen} entries before it` });
    }
    if (entriesSeen === 0) {
      const bad = warnings.find((w) => /TAR_BAD_ARCHIVE|TAR_ENTRY_INVALID/.test(w));
      throw new InputError(this.inputPath, bad ? 'not a tar archive (or a corrupt one)' : 'the archive is empty');
    }
    for (const w of warnings.filter((w) => /TAR_BAD_ARCHIVE|TAR_ENTRY_INVALID|TAR_ABORT/.test(w)).slice(0, 5)) {
      this.problems.push({ source: this.inputPath, message: `corrupt tar data: ${w}` });
    }
  }

  private toEntry(raw: ReadEntry): Omit<Entry, 'stream'> | undefined {
    if (SKIPPED_TYPES.has(raw.type)) {
      if (raw.type === 'Directory') {
        // `./` (from `tar -C dir .`) says nothing about a root folder.
        const dir = safeRelativePath(raw.path);
        if (dir) this.decideRoot(dir, true);
      }
      return undefined;
    }
    const safe = safeRelativePath(raw.path);
    if (!safe) {
      this.problems.push({ source: raw.path, message: 'archive entry with an absolute path or `..` segments: not followed' });
      return undefined;
    }
    this.decideRoot(safe, false);
    const path = this.strip(safe);
    if (!path) return undefined;
    switch (raw.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return { path, type: 'file', size: raw.size ?? 0 };
      case 'SymbolicLink': {
        const target = resolveLinkTarget(path, raw.linkpath ?? '');
        if (!target) {
          this.problems.push({ source: path, message: `symbolic link to ${raw.linkpath ?? '(nothing)'} leads outside the bundle: not followed` });
          return undefined;
        }
        return { path, type: 'symlink', size: 0, linkTarget: target };
      }
      case 'Link':
        this.problems.push({ source: path, message: `hard link to ${raw.linkpath ?? '(nothing)'}: hard links are not followed` });
        return undefined;
      default:
        this.problems.push({ source: path, message: `${raw.type} entry: only files and symbolic links are read` });
        return undefined;
    }
  }

  /** The first nested entry tells whether everything sits under one root folder (troubleshoot, velero debug) or not. */
  private decideRoot(path: string, isDirectory: boolean): void {
    if (this.rootDecided) return;
    const [first, ...rest] = path.split('/');
    if (!first) return;
    const nested = rest.length > 0 || isDirectory;
    // Loose files before the bundle folder (a README packed alongside it) leave the question open.
    if (!nested && !isTopLevelName(first)) return;
    this.rootDecided = true;
    if (nested && !isTopLevelName(first)) this.root = first;
  }

  private strip(path: string): string | undefined {
    if (!this.root) return path;
    if (path === this.root) return undefined;
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : path;
  }
}

function describeFailure(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(error.message)) return 'the gzip stream is truncated';
  if (code === 'Z_DATA_ERROR' || /incorrect header check|invalid/i.test(error.message)) return `corrupt gzip data (${error.message})`;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return error.message;
}
