// A streaming .tar.gz bundle writer: files from strings, buffers, streams or ready gzip members, and relative symlinks, written atomically.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import { Header, Pax } from 'tar';
import { checkOutputFile, describeFsError, makeDirs, OutputPathError } from '../util/output-path.js';

const BLOCK = 512;
const ZERO_BLOCKS = Buffer.alloc(BLOCK * 2);
/** Writes to gzip are gathered up to this size. */
const COALESCE_BYTES = 64 * 1024;
/** zlib's level unless told otherwise, as gzip(1)'s. */
export const GZIP_LEVEL = 6;

export interface BundleWriterOptions {
  /** A folder every entry is placed under (troubleshoot bundles have one top-level folder). */
  root?: string;
  /** The modification time of every entry; defaults to the time the writer was created. */
  mtime?: Date;
  /** gzip level (zlib 0–9); GZIP_LEVEL by default. */
  level?: number;
}

export interface EntryOptions {
  /** Unix permission bits; 0o644 for files by default. */
  mode?: number;
  mtime?: Date;
}

export interface WrittenBundle {
  /** The absolute path of the finished archive. */
  path: string;
  entries: number;
  /** Uncompressed bytes of file contents. */
  bytes: number;
}

/** The writer was closed or aborted, or an entry path was rejected. */
export class BundleWriteError extends Error {}

/**
 * Writes a .tar.gz entry by entry. Entries are appended in call order; the calls may overlap
 * (each waits for the one before), so concurrent collectors can add files as they finish.
 * The archive is written to a temporary file beside `path` and renamed into place by `close()`,
 * so a failed or interrupted run never leaves a half-written bundle at the output path.
 */
export class BundleWriter {
  readonly path: string;
  private readonly tempPath: string;
  private readonly root: string;
  private readonly mtime: Date;
  private gzip: Gzip;
  private readonly level: number;
  private readonly file: WriteStream;
  private readonly finished: Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  private readonly paths = new Set<string>();
  private state: 'open' | 'closed' | 'aborted' = 'open';
  private failure: Error | undefined;
  private entryCount = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private byteCount = 0;
  private readonly fail: (error: Error) => void;

  private constructor(path: string, options: BundleWriterOptions) {
    this.path = resolve(path);
    this.tempPath = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${Date.now()}.tmp`);
    this.root = options.root ? normalizeEntryPath(options.root) : '';
    this.mtime = options.mtime ?? new Date();
    this.level = options.level ?? GZIP_LEVEL;
    this.file = createWriteStream(this.tempPath, { flags: 'wx', mode: 0o600 });
    let fail: (error: Error) => void = () => {};
    this.finished = new Promise((resolvePromise, reject) => {
      this.file.on('close', resolvePromise);
      fail = (error: Error) => {
        this.failure ??= error;
        reject(error);
      };
      this.file.on('error', fail);
    });
    this.fail = fail;
    this.gzip = this.startMember();
    // Errors surface through the calls that follow; keep an unobserved rejection from crashing the process.
    this.finished.catch(() => {});
  }

  /**
   * Creates the output folder if needed and opens the temporary file, so that an output path that
   * cannot be written fails here, before any work (OutputPathError naming it).
   */
  static async create(path: string, options: BundleWriterOptions = {}): Promise<BundleWriter> {
    await checkOutputFile(path);
    await makeDirs(dirname(resolve(path)), path);
    const writer = new BundleWriter(path, options);
    await new Promise<void>((resolveOpen, reject) => {
      writer.file.once('open', () => resolveOpen());
      writer.file.once('error', (error) => reject(new OutputPathError(path, `cannot write: ${describeFsError(error)}`, { cause: error })));
    });
    return writer;
  }

  /** Adds a regular file with the given contents (a string is written as UTF-8). */
  addFile(path: string, content: string | Buffer, options: EntryOptions = {}): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    return this.enqueue(path, async (entryPath) => {
      await this.writeHeader({ path: entryPath, type: 'File', size: data.length, mode: options.mode ?? 0o644, mtime: options.mtime });
      await this.writeChunk(data);
      await this.pad(data.length);
      this.byteCount += data.length;
    });
  }

  /**
   * Adds a file whose bytes come as one complete gzip member (compressed ahead, e.g. on a worker while
   * the data arrived). The archive is then several gzip members one after the other, which gzip(1),
   * tar(1), Go's and Python's readers and Node's zlib all read as one stream. `size` is the
   * uncompressed length; the member's own trailer must agree.
   */
  addGzipMember(path: string, size: number, member: Buffer, options: EntryOptions = {}): Promise<void> {
    if (member.length < 18 || member[0] !== 0x1f || member[1] !== 0x8b || member.readUInt32LE(member.length - 4) !== size % 2 ** 32) {
      return Promise.reject(new BundleWriteError(`${path}: not a gzip member of ${size} bytes`));
    }
    return this.enqueue(path, async (entryPath) => {
      await this.writeHeader({ path: entryPath, type: 'File', size, mode: options.mode ?? 0o644, mtime: options.mtime });
      await this.endMember();
      await this.writeRaw(member);
      this.gzip = this.startMember();
      await this.pad(size);
      this.byteCount += size;
    });
  }

  /**
   * Adds a file from a stream. A tar header must state the size first, so a stream of unknown size
   * is read into memory before it is written: pass `size` for large streams, which are then piped through.
   */
  addStream(path: string, stream: Readable, size?: number, options: EntryOptions = {}): Promise<void> {
    if (size === undefined) {
      return (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
        return this.addFile(path, Buffer.concat(chunks), options);
      })();
    }
    return this.enqueue(path, async (entryPath) => {
      await this.writeHeader({ path: entryPath, type: 'File', size, mode: options.mode ?? 0o644, mtime: options.mtime });
      let written = 0;
      for await (const chunk of stream) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        if (written + buffer.length > size) throw new BundleWriteError(`${path}: the stream is longer than the ${size} bytes announced`);
        written += buffer.length;
        await this.writeChunk(buffer);
      }
      if (written !== size) throw new BundleWriteError(`${path}: the stream ended after ${written} of ${size} bytes`);
      await this.pad(size);
      this.byteCount += size;
    });
  }

  /**
   * Adds a symbolic link. `target` must be relative and stay inside the bundle (the way troubleshoot
   * links collector-named log paths to `cluster-resources/pods/logs/...`).
   */
  addSymlink(path: string, target: string, options: EntryOptions = {}): Promise<void> {
    if (target.startsWith('/') || target.includes('\\')) {
      return Promise.reject(new BundleWriteError(`${path}: a symlink target must be a relative path with forward slashes`));
    }
    const entryRelative = normalizeEntryPath(path);
    const resolved = posix.normalize(posix.join(posix.dirname(entryRelative), target));
    if (resolved === '..' || resolved.startsWith('../')) {
      return Promise.reject(new BundleWriteError(`${path}: the symlink target ${target} points outside the bundle`));
    }
    return this.enqueue(path, async (entryPath) => {
      await this.writeHeader({ path: entryPath, type: 'SymbolicLink', size: 0, linkpath: target, mode: options.mode ?? 0o777, mtime: options.mtime });
    });
  }

  /** True when an entry with this path (relative to the root) was added. */
  has(path: string): boolean {
    return this.paths.has(normalizeEntryPath(path));
  }

  /** Finishes the archive and renames it into place. */
  async close(): Promise<WrittenBundle> {
    this.assertOpen();
    this.state = 'closed';
    try {
      await this.queue;
      await this.writeChunk(ZERO_BLOCKS);
      await this.endMember();
      this.file.end();
      await this.finished;
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.discard();
      throw error;
    }
    return { path: this.path, entries: this.entryCount, bytes: this.byteCount };
  }

  /** Stops writing and removes the temporary file; the output path is left untouched. */
  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    await this.queue.catch(() => {});
    await this.discard();
  }

  private async discard(): Promise<void> {
    this.gzip.destroy();
    this.file.destroy();
    await rm(this.tempPath, { force: true });
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new BundleWriteError(`${this.path}: the bundle writer is already ${this.state}`);
  }

  private enqueue(path: string, write: (entryPath: string) => Promise<void>): Promise<void> {
    try {
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    let relative: string;
    try {
      relative = normalizeEntryPath(path);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.paths.has(relative)) return Promise.reject(new BundleWriteError(`${relative}: added to the bundle twice`));
    this.paths.add(relative);
    const entryPath = this.root ? `${this.root}/${relative}` : relative;
    const run = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      await write(entryPath);
      this.entryCount += 1;
    });
    // A failed entry leaves a partial record in the archive; everything after it fails too.
    this.queue = run.catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    });
    return run;
  }

  private async writeHeader(data: {
    path: string;
    type: 'File' | 'SymbolicLink';
    size: number;
    mode: number;
    linkpath?: string;
    mtime?: Date;
  }): Promise<void> {
    const mtime = data.mtime ?? this.mtime;
    const header = new Header({ ...data, mtime, uid: 0, gid: 0, uname: '', gname: '' });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    if (header.needPax) {
      // Long paths or link targets: a PAX extended header carries them (what tar(1) and node-tar read).
      await this.writeChunk(new Pax({ path: data.path, linkpath: data.linkpath, mtime, size: data.size }).encode());
    }
    await this.writeChunk(block);
  }

  private pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    return rest === 0 ? Promise.resolve() : this.writeChunk(Buffer.alloc(BLOCK - rest));
  }

  private writeChunk(chunk: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    // Small records (headers, padding, small files) are gathered into larger writes: one zlib call
    // per 512-byte record made a bundle of 200,000 small files take minutes.
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    return this.pendingBytes < COALESCE_BYTES ? Promise.resolve() : this.flush();
  }

  /** A gzip stream whose output goes to the file (without ending it: more members may follow). */
  private startMember(): Gzip {
    const gzip = createGzip({ level: this.level });
    gzip.on('data', (chunk: Buffer) => {
      if (!this.file.write(chunk)) {
        gzip.pause();
        this.file.once('drain', () => gzip.resume());
      }
    });
    gzip.on('error', this.fail);
    return gzip;
  }

  /** Flushes what is pending and ends the current gzip member once all its bytes are handed to the file. */
  private async endMember(): Promise<void> {
    await this.flush();
    const gzip = this.gzip;
    await new Promise<void>((resolveEnd, reject) => {
      gzip.once('end', resolveEnd);
      gzip.once('error', reject);
      gzip.end();
    });
  }

  /** Bytes straight to the file, between gzip members. */
  private writeRaw(data: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.file.write(data) ? Promise.resolve() : new Promise((resolveDrain) => this.file.once('drain', () => resolveDrain()));
  }

  private flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pendingBytes === 0) return Promise.resolve();
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.gzip.write(data)) return Promise.resolve();
    return new Promise((resolveDrain, reject) => {
      const onError = (error: Error) => reject(error);
      this.gzip.once('error', onError);
      this.gzip.once('drain', () => {
        this.gzip.off('error', onError);
        resolveDrain();
      });
    });
  }

}

/** Forward slashes, no leading `/` or `./`, no `..` segments, no empty path. */
export function normalizeEntryPath(path: string): string {
  const normalized = posix.normalize(path.replace(/\\/g, '/')).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (!normalized || normalized === '.' || normalized.startsWith('/') || normalized.split('/').includes('..')) {
    throw new BundleWriteError(`${path}: not a relative path inside the bundle`);
  }
  return normalized;
}
