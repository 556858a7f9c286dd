// How many bytes reading an input will take, decompressed, estimated before and while reading it: what progress is measured against.
import { open, opendir, lstat } from 'node:fs/promises';
import { join } from 'node:path';

const TWO_32 = 2 ** 32;

/**
 * The ISIZE field of a gzip file's trailer: the uncompressed size, modulo 2^32, of its last member
 * (the whole file's for the usual single-member file). Undefined when the file is not gzip.
 */
export async function gzipTrailerSize(path: string, size: number): Promise<number | undefined> {
  if (size < 18) return undefined;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return undefined;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    return tail.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}

/**
 * The decompressed size of a gzip file of `size` bytes, `read` of them read so far, which gave `inflated`
 * bytes. With the trailer's ISIZE: the size it allows (ISIZE + k·2^32, never below what was inflated)
 * nearest to what the compression ratio so far points to, so that files past 4 GiB resolve too. Without
 * it, or when it is far from that ratio once an eighth of the file is read (a file of several gzip
 * members, whose trailer counts the last one only), the ratio alone.
 */
export function inflatedEstimate(isize: number | undefined, file: { size: number; read: number; inflated: number }): number {
  const extrapolated = Math.max(file.inflated, file.read > 0 ? (file.inflated * file.size) / file.read : file.size);
  if (isize === undefined) return extrapolated;
  let best = isize + Math.max(0, Math.ceil((file.inflated - isize) / TWO_32)) * TWO_32;
  while (Math.abs(best + TWO_32 - extrapolated) < Math.abs(best - extrapolated)) best += TWO_32;
  if (file.read >= file.size / 8 && (best > 4 * extrapolated || best * 4 < extrapolated)) return extrapolated;
  return best;
}

/**
 * Bytes an input will give once read: a gzip file's decompressed size, a file's size, a folder's file
 * sizes summed (links not followed: the readers reach their targets on their own), the walk stopping
 * after `maxEntries` files. Undefined when the input cannot be looked at (reading it says why).
 */
export async function estimateInputBytes(path: string, maxEntries: number): Promise<number | undefined> {
  try {
    const info = await lstat(path);
    if (info.isFile()) return inflatedEstimate(await gzipTrailerSize(path, info.size), { size: info.size, read: 0, inflated: 0 });
    if (!info.isDirectory()) return undefined;
    let total = 0;
    let entries = 0;
    const stack = [path];
    while (stack.length > 0 && entries < maxEntries) {
      const dir = stack.pop()!;
      for await (const d of await opendir(dir)) {
        if (d.isDirectory()) stack.push(join(dir, d.name));
        else if (d.isFile() && (entries += 1) <= maxEntries) total += (await lstat(join(dir, d.name))).size;
      }
    }
    return total;
  } catch {
    return undefined;
  }
}
