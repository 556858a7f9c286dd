// Hand-made tar archives with entries no honest tool writes: paths out of the bundle, links out, devices, bombs.
import { gzipSync, constants } from 'node:zlib';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO' | 'Directory';
  content?: string | Buffer;
  linkpath?: string;
  /** Overrides the size in the header (a bomb declares more than it holds). */
  size?: number;
}

/** One 512-byte header block (no PAX: paths up to 100 characters, as hostile archives use them). */
export function headerBlock(entry: RawEntry): Buffer {
  const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
  const block = Buffer.alloc(512);
  new Header({
    path: entry.path,
    type: entry.type ?? 'File',
    size: entry.size ?? content.length,
    mode: entry.type === 'Directory' ? 0o755 : 0o644,
    linkpath: entry.linkpath,
    mtime: new Date('2024-05-01T00:00:00Z'),
    uid: 0,
    gid: 0,
    devmaj: entry.type === 'CharacterDevice' || entry.type === 'BlockDevice' ? 1 : undefined,
    devmin: entry.type === 'CharacterDevice' || entry.type === 'BlockDevice' ? 3 : undefined,
  }).encode(block, 0);
  return block;
}

/** The bytes of a tar archive holding exactly these entries, in this order. */
export function rawTar(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
    parts.push(headerBlock(entry));
    if (content.length > 0) {
      parts.push(content);
      const rest = content.length % 512;
      if (rest) parts.push(Buffer.alloc(512 - rest));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function rawTarGz(entries: RawEntry[]): Buffer {
  return gzipSync(rawTar(entries));
}

/**
 * A decompression bomb: a .tar.gz of a few MB that expands to `gigabytes` GB of zeros. gzip members
 * may be concatenated, so one compressed 16 MB block of zeros is repeated instead of compressing GBs.
 */
export function decompressionBomb(gigabytes: number, entryPath: string): Buffer {
  const block = 16 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(block), { level: constants.Z_BEST_COMPRESSION });
  const head = gzipSync(headerBlock({ path: entryPath, size: 0o77777777777 }));
  const count = Math.ceil((gigabytes * 1024 ** 3) / block);
  return Buffer.concat([head, ...Array.from({ length: count }, () => zeros)]);
}
