// Redacted copies of inputs: a bundle (archive or folder) in the same layout with redactions.json, or a single file.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdtemp, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BundleWriter } from '../bundle/writer.js';
import type { RedactionConfig } from '../config/index.js';
import { BudgetError, InputError, SnapshotDoctorError, UsageError } from '../errors.js';
import type { Problem } from '../model/bundle.js';
import { openEntries, sniffContainer, gzipHoldsTar, type EntrySource } from '../readers/entries/index.js';
import { ReadMeter, ticking } from '../readers/progress.js';
import { estimateInputBytes } from '../readers/size-estimate.js';
import { resolveBudget, type ReadBudget, type ReadProgress } from '../readers/types.js';
import { makeDirs, removeDirs } from '../util/output-path.js';
import { TOOL_VERSION } from '../version.js';
import { createRedactor, type RedactionSummary, type Redactor } from './index.js';

/** Where a bundle's redaction report goes (our own files live under `snapshot-doctor/` in the bundle). */
export const REDACTIONS_FILE = 'snapshot-doctor/redactions.json';
/** Files up to this size are redacted in memory; larger ones go through a temporary file (a tar header needs the size first). */
const IN_MEMORY_BYTES = 8 * 1024 * 1024;

export interface RedactCopyOptions {
  /** Custom patterns (`redaction.patterns` of the config file). */
  redaction?: RedactionConfig;
  /** Names the config file in errors about its patterns. */
  configFile?: string;
  budget?: Partial<ReadBudget>;
  onProgress?: (progress: ReadProgress) => void;
}

export interface RedactCopyResult {
  /** The absolute path written. */
  output: string;
  kind: 'archive' | 'folder' | 'file';
  /** Files and links copied. */
  entries: number;
  summary: RedactionSummary;
  /** Entries of the input that were not copied (links leading out, devices, damage). */
  problems: Problem[];
}

/** The contents of `snapshot-doctor/redactions.json`. */
export interface RedactionsFile extends RedactionSummary {
  tool: { name: 'snapshot-doctor'; version: string };
  generatedAt: string;
  input: string;
  skipped: Problem[];
}

const ARCHIVE_NAME = /\.(?:tar\.gz|tgz|tar)$/i;

/**
 * Writes a redacted copy of `input` to `output`: archive in, archive out (symlinks kept); folder in,
 * folder out (or an archive when `output` ends in .tar.gz / .tgz); a single file (plain or gzipped)
 * in, a single file out. The output appears atomically, complete or not at all; the input is only read.
 */
export async function redactCopy(input: string, output: string, options: RedactCopyOptions = {}): Promise<RedactCopyResult> {
  const inputPath = resolve(input);
  const outputPath = resolve(output);
  const info = await stat(inputPath).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(input, error.code === 'ENOENT' ? 'no such file or folder' : error.message);
  });
  if (!info.isDirectory() && !info.isFile()) throw new InputError(input, 'not a file or folder');
  await refuseSelfOverwrite(input, inputPath, output, outputPath, info.isDirectory());
  const redactor = createRedactor(options.redaction, { configFile: options.configFile });
  const budget = resolveBudget(options.budget);
  // Level by level: a recursive mkdir never returns where a level cannot be made (under /proc).
  const made = await makeDirs(dirname(outputPath), output);
  try {
    return await copyInto(input, inputPath, info.isDirectory(), outputPath, redactor, budget, options);
  } catch (error) {
    await removeDirs(made);
    throw error;
  }
}

async function copyInto(
  input: string,
  inputPath: string,
  isFolder: boolean,
  outputPath: string,
  redactor: Redactor,
  budget: ReadBudget,
  options: RedactCopyOptions,
): Promise<RedactCopyResult> {
  const container = isFolder ? 'archive' : await containerOf(inputPath, input);
  if (container === 'archive') {
    const source = await openEntries(inputPath, budget);
    const toArchive = source.kind === 'archive' || ARCHIVE_NAME.test(outputPath) || /\.gz$/i.test(outputPath);
    const skipped: Problem[] = [];
    const meter = new ReadMeter(options.onProgress, 'redacting');
    if (options.onProgress) meter.plan([await estimateInputBytes(inputPath, budget.maxEntries)]);
    meter.beginInput(input);
    const copied = toArchive
      ? await copyToArchive(source, outputPath, redactor, budget, skipped, meter)
      : await copyToFolder(source, outputPath, redactor, budget, skipped, meter);
    meter.finish();
    return { output: outputPath, kind: toArchive ? 'archive' : 'folder', entries: copied, summary: redactor.summary(), problems: [...source.problems, ...skipped] };
  }
  await copyFile(inputPath, outputPath, container === 'gzip', redactor, budget, input);
  return { output: outputPath, kind: 'file', entries: 1, summary: redactor.summary(), problems: [] };
}

async function containerOf(path: string, shown: string): Promise<'archive' | 'gzip' | 'plain'> {
  const kind = await sniffContainer(path);
  if (kind === 'tar') return 'archive';
  if (kind === 'gzip') return (await gzipHoldsTar(path)) || ARCHIVE_NAME.test(path) ? 'archive' : 'gzip';
  // A file named like an archive that is none: openEntries explains what is wrong with it.
  if (ARCHIVE_NAME.test(path)) {
    await openEntries(path);
    throw new InputError(shown, 'not a .tar.gz, .tgz or .tar archive');
  }
  return 'plain';
}

async function refuseSelfOverwrite(input: string, inputPath: string, output: string, outputPath: string, isFolder: boolean): Promise<void> {
  const inputReal = await realpath(inputPath);
  const outputDir = await realpath(dirname(outputPath)).catch(() => dirname(outputPath));
  const outputReal = await realpath(outputPath).catch(() => join(outputDir, basename(outputPath)));
  if (inputReal === outputReal) throw new UsageError(`${output}: is the input itself; give another --output`);
  const inside = relative(inputReal, outputReal);
  if (isFolder && inside && !inside.startsWith('..') && !inside.startsWith(sep)) {
    throw new UsageError(`${output}: is inside the input folder ${input}; give an --output outside it`);
  }
  const out = await stat(outputPath).catch(() => undefined);
  if (out?.isDirectory()) throw new UsageError(`${output}: is an existing folder; give a file name (or a new folder name) for --output`);
}

/**
 * The redacted bytes of one entry. A gzipped entry (a `velero backup logs` download kept in a bundle)
 * is decompressed, redacted and compressed again, its decompressed size held to the budget.
 */
function redactedBytes(stream: AsyncIterable<Buffer>, path: string, redactor: Redactor, budget: ReadBudget): AsyncIterable<Buffer> {
  return (async function* () {
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return;
    const rest = (async function* () {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })();
    if (!(first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b)) {
      yield* redactor.redactStream(rest, path);
      return;
    }
    const compressed = Readable.from(rest);
    const gunzip = createGunzip();
    compressed.on('error', (error) => gunzip.destroy(error));
    const plain = limit(compressed.pipe(gunzip) as AsyncIterable<Buffer>, budget.maxDecompressedBytes, path);
    const redacted = Readable.from(redactor.redactStream(plain, path.replace(/\.gz$/i, '')));
    const gzip = createGzip();
    redacted.on('error', (error) => gzip.destroy(error));
    yield* redacted.pipe(gzip) as AsyncIterable<Buffer>;
  })();
}

/** Redacts one entry into memory (small files) or into a temporary file (large ones): a tar header needs the size first. */
async function redactEntry(
  stream: AsyncIterable<Buffer>,
  path: string,
  size: number,
  redactor: Redactor,
  budget: ReadBudget,
  tempDir: () => Promise<string>,
): Promise<{ buffer: Buffer } | { file: string; size: number }> {
  const redacted = redactedBytes(stream, path, redactor, budget);
  if (size <= IN_MEMORY_BYTES) {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of redacted) {
      chunks.push(chunk);
      total += chunk.length;
      if (total > IN_MEMORY_BYTES * 4) return spill(chunks, redacted, tempDir);
    }
    return { buffer: Buffer.concat(chunks) };
  }
  return spill([], redacted, tempDir);
}

/** Writes what is held so far and the rest of the stream to a temporary file (a small gzip entry may expand a lot). */
async function spill(held: Buffer[], rest: AsyncIterable<Buffer>, tempDir: () => Promise<string>): Promise<{ file: string; size: number }> {
  const file = join(await tempDir(), 'entry');
  await pipeline(
    Readable.from(
      (async function* () {
        yield* held;
        held.length = 0;
        yield* rest;
      })(),
    ),
    createWriteStream(file, { mode: 0o600 }),
  );
  return { file, size: (await stat(file)).size };
}

/** An entry that could not be redacted (corrupt nested gzip, over budget) is left out rather than copied as it is. */
function isEntryFailure(error: unknown): boolean {
  if (error instanceof BudgetError) return true;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

async function copyToArchive(source: EntrySource, output: string, redactor: Redactor, budget: ReadBudget, skipped: Problem[], meter: ReadMeter): Promise<number> {
  // Opened at the first entry: only then does the source know the root folder to keep.
  let writer: BundleWriter | undefined;
  const open = async () => (writer ??= await BundleWriter.create(output, { root: source.root }));
  let temp: string | undefined;
  const tempDir = async () => (temp ??= await mkdtemp(join(dirname(output), '.snapshot-doctor-redact-')));
  let count = 0;
  try {
    for await (const entry of source) {
      meter.observe(source);
      const out = await open();
      if (entry.path === REDACTIONS_FILE) continue;
      if (out.has(entry.path)) {
        skipped.push({ source: entry.path, message: 'a second entry with the same path: not copied (the first one was)' });
        continue;
      }
      if (entry.type === 'symlink' && entry.linkTarget !== undefined) {
        await out.addSymlink(entry.path, linkTarget(entry.path, entry.linkTarget));
      } else {
        let result;
        try {
          result = await redactEntry(ticking(entry.stream(), source, meter), entry.path, entry.size, redactor, budget, tempDir);
        } catch (error) {
          if (!isEntryFailure(error)) throw error;
          skipped.push({ source: entry.path, message: `not copied: ${(error as Error).message}` });
          continue;
        }
        if ('buffer' in result) await out.addFile(entry.path, result.buffer);
        else {
          await out.addStream(entry.path, createReadStream(result.file), result.size);
          await rm(result.file, { force: true });
        }
      }
      count += 1;
    }
    const out = await open();
    await out.addFile(REDACTIONS_FILE, redactionsJson(redactor.summary(), source, skipped));
    await out.close();
  } catch (error) {
    await writer?.abort();
    throw wrapWriteError(error, output);
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
  return count;
}

async function copyToFolder(source: EntrySource, output: string, redactor: Redactor, budget: ReadBudget, skipped: Problem[], meter: ReadMeter): Promise<number> {
  const staging = await mkdtemp(join(dirname(output), `.${basename(output)}.tmp-`));
  const links: { path: string; target: string }[] = [];
  const seen = new Set<string>();
  let count = 0;
  try {
    for await (const entry of source) {
      meter.observe(source);
      if (entry.path === REDACTIONS_FILE) continue;
      if (seen.has(entry.path)) {
        skipped.push({ source: entry.path, message: 'a second entry with the same path: not copied (the first one was)' });
        continue;
      }
      seen.add(entry.path);
      if (entry.type === 'symlink' && entry.linkTarget !== undefined) {
        // Links are made last, so that no file write can pass through a link made from the input.
        links.push({ path: entry.path, target: linkTarget(entry.path, entry.linkTarget) });
      } else {
        const target = join(staging, ...entry.path.split('/'));
        await makeDirs(dirname(target), output);
        try {
          await pipeline(Readable.from(redactedBytes(ticking(entry.stream(), source, meter), entry.path, redactor, budget)), createWriteStream(target, { flags: 'wx' }));
        } catch (error) {
          if (!isEntryFailure(error)) throw error;
          await rm(target, { force: true });
          skipped.push({ source: entry.path, message: `not copied: ${(error as Error).message}` });
          continue;
        }
      }
      count += 1;
    }
    for (const link of links) {
      const at = join(staging, ...link.path.split('/'));
      await makeDirs(dirname(at), output);
      await symlink(link.target, at).catch((error: NodeJS.ErrnoException) => {
        skipped.push({ source: link.path, message: `symbolic link not copied: ${error.code ?? error.message}` });
      });
    }
    await makeDirs(join(staging, 'snapshot-doctor'), output);
    await writeFile(join(staging, ...REDACTIONS_FILE.split('/')), redactionsJson(redactor.summary(), source, skipped));
    await chmod(staging, 0o755);
    await rm(output, { force: true });
    await rename(staging, output);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw wrapWriteError(error, output);
  }
  return count;
}

async function copyFile(input: string, output: string, gzipped: boolean, redactor: Redactor, budget: ReadBudget, shown: string): Promise<void> {
  const temp = join(dirname(output), `.${basename(output)}.${process.pid}.${Date.now()}.tmp`);
  const file = basename(input).replace(/\.gz$/i, '');
  try {
    const raw = createReadStream(input, { highWaterMark: 256 * 1024 });
    const bytes = gzipped ? raw.pipe(createGunzip()) : raw;
    if (gzipped) raw.on('error', (error) => bytes.destroy(error));
    const limited = limit(bytes as AsyncIterable<Buffer>, budget.maxDecompressedBytes, shown);
    const redacted = Readable.from(redactor.redactStream(limited, file));
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
    if (gzipped) await pipeline(redacted, createGzip(), out);
    else await pipeline(redacted, out);
    await rename(temp, output);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new InputError(shown, `corrupt or truncated gzip data (${(error as Error).message})`);
    throw wrapWriteError(error, output);
  }
}

async function* limit(source: AsyncIterable<Buffer>, max: number, shown: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > max) throw new BudgetError(shown, `expands to more than ${max} bytes (the decompressed-size budget); not read further`);
    yield chunk;
  }
}

/** A link's target relative to its own folder (readers give it relative to the bundle root). */
function linkTarget(path: string, target: string): string {
  return posix.relative(posix.dirname(path), target) || '.';
}

function redactionsJson(summary: RedactionSummary, source: EntrySource, skipped: Problem[]): string {
  const file: RedactionsFile = {
    tool: { name: 'snapshot-doctor', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    input: basename(source.inputPath),
    ...summary,
    skipped: [...source.problems, ...skipped],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function wrapWriteError(error: unknown, output: string): Error {
  if (error instanceof SnapshotDoctorError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^E[A-Z]+$/.test(code)) return new SnapshotDoctorError(`${output}: cannot write: ${code}`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
