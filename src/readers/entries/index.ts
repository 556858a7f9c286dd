// openEntries: the entries of an archive (.tar.gz, .tgz, .tar) or a folder, streamed, with traversal guards and budgets.
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError } from '../../errors.js';
import { resolveBudget, type ReadBudget } from '../types.js';
import { FolderEntries } from './folder.js';
import type { EntrySource } from './types.js';

export type { Entry, EntrySource } from './types.js';
export { safeRelativePath, resolveLinkTarget } from './paths.js';

/** What the first bytes of a file say it is. */
export type Container = 'gzip' | 'tar' | 'other';

/** Reads the first 512 bytes: gzip magic, or a ustar header. */
export async function sniffContainer(path: string): Promise<Container> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
    return 'other';
  } finally {
    await handle.close();
  }
}

/** stat() of an input the user named, as an InputError naming it when it cannot be read. */
export async function statInput(inputPath: string): Promise<Stats> {
  try {
    return await stat(inputPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(inputPath, code === 'ENOENT' ? 'no such file or folder' : (error as Error).message);
  }
}

/**
 * Opens a bundle for reading, entry by entry. Throws InputError when the path does not exist or is
 * neither a folder nor an archive; archive damage found later is thrown (nothing read) or listed
 * under `problems` (something read) while iterating.
 */
export async function openEntries(inputPath: string, budget: Partial<ReadBudget> = {}): Promise<EntrySource> {
  const limits = resolveBudget(budget);
  const info = await statInput(inputPath);
  if (info.isDirectory()) return new FolderEntries(inputPath, limits);
  if (!info.isFile()) throw new InputError(inputPath, 'not a file or folder');
  const container = await sniffContainer(inputPath).catch((error: Error) => {
    throw new InputError(inputPath, error.message);
  });
  if (container === 'other') throw new InputError(inputPath, 'not a .tar.gz, .tgz or .tar archive');
  if (container === 'gzip' && !(await gzipHoldsTar(inputPath))) throw new InputError(inputPath, 'a gzip file that does not hold a tar archive');
  // tar loads for an archive only: a folder does not need it.
  const { ArchiveEntries } = await import('./archive.js');
  return new ArchiveEntries(inputPath, container === 'gzip', limits);
}

/** Decompresses just the first block of a gzip file to see whether a tar archive is inside. */
export async function gzipHoldsTar(path: string): Promise<boolean> {
  const head = await gunzipHead(path, 512);
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

/** Up to `bytes` decompressed bytes from the start of a gzip file (fewer if it is shorter or damaged). */
export async function gunzipHead(path: string, bytes: number): Promise<Buffer> {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const gunzip = createGunzip();
  const file = createReadStream(path);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of file.pipe(gunzip) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= bytes) break;
    }
  } catch {
    // A truncated or damaged stream: what came out before the damage is still the head.
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}
