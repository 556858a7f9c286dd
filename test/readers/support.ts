// Test helpers for the readers: pack fixture folders into .tar.gz (symlinks kept), craft raw tar entries, temp dirs.
import { cp, lstat, mkdtemp, readdir, readlink, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { BundleWriter } from '../../src/bundle/writer.js';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-readers-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file and symlink under `dir`, relative, sorted (the order `tar -c` of a sorted walk gives). */
export async function listTree(dir: string, prefix = ''): Promise<{ path: string; link: boolean }[]> {
  const out: { path: string; link: boolean }[] = [];
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const info = await lstat(join(dir, rel));
    if (info.isDirectory()) out.push(...(await listTree(dir, rel)));
    else out.push({ path: rel, link: info.isSymbolicLink() });
  }
  return out;
}

/**
 * Packs a fixture folder into a .tar.gz under `root/` (symlinks as symlink entries), the way troubleshoot
 * and velero debug write theirs. `order` may reorder the entries (to test what arrives first).
 */
export async function packFolder(
  folder: string,
  output: string,
  options: { root?: string; order?: (paths: string[]) => string[] } = {},
): Promise<string> {
  const entries = await listTree(folder);
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const paths = options.order ? options.order(entries.map((e) => e.path)) : entries.map((e) => e.path);
  const writer = await BundleWriter.create(output, { root: options.root, level: 1 });
  for (const path of paths) {
    const entry = byPath.get(path)!;
    if (entry.link) await writer.addSymlink(path, await readlink(join(folder, path)));
    else await writer.addFile(path, await readFile(join(folder, path)));
  }
  await writer.close();
  return output;
}

/** A copy of a fixture folder in `dir` that a test may change. */
export async function copyFixture(name: string, dir: string): Promise<string> {
  const target = join(dir, name.replace(/\//g, '_'));
  await cp(join(FIXTURES, name), target, { recursive: true, verbatimSymlinks: true });
  return target;
}

export interface RawEntry {
  path: string;
  type?: 'File' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'Directory';
  content?: string;
  linkpath?: string;
}

/** A .tar.gz written header by header, so that entries a well-behaved writer refuses (`..`, absolute, links out) can be made. */
export function rawTarGz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.content ?? '');
    const header = new Header({ path: e.path, type: e.type ?? 'File', size: e.type && e.type !== 'File' ? 0 : body.length, mode: 0o644, mtime: new Date('2024-05-01T12:30:00Z'), linkpath: e.linkpath, uid: 0, gid: 0 });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if ((!e.type || e.type === 'File') && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
