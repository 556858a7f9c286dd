// Walks an unpacked bundle folder as entries; symbolic links are followed only when they resolve inside the root.
import { createReadStream } from 'node:fs';
import { lstat, opendir, readdir, readlink, realpath } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { EntryBudgetError } from '../../errors.js';
import type { Problem } from '../../model/bundle.js';
import type { ReadBudget } from '../types.js';
import { isTopLevelName } from './paths.js';
import type { Entry, EntrySource } from './types.js';

export class FolderEntries implements EntrySource {
  readonly kind = 'folder' as const;
  readonly problems: Problem[] = [];
  root: string;
  bytesRead = 0;
  totalBytes = 0;

  constructor(
    readonly inputPath: string,
    private readonly budget: ReadBudget,
  ) {
    this.root = basename(inputPath);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Entry> {
    const base = await this.bundleRoot();
    const rootReal = await realpath(base);
    let count = 0;
    // Depth-first, names sorted, so that every run (and every machine) yields the same order.
    const stack: string[] = [''];
    while (stack.length > 0) {
      const dirRel = stack.pop()!;
      let names: string[];
      try {
        const dir = await opendir(join(base, dirRel));
        names = [];
        for await (const d of dir) names.push(d.name);
        names.sort();
      } catch (error) {
        this.problems.push({ source: dirRel || '.', message: `cannot list the folder: ${(error as Error).message}` });
        continue;
      }
      const subdirs: string[] = [];
      for (const name of names) {
        const rel = dirRel ? `${dirRel}/${name}` : name;
        const abs = join(base, rel);
        let info;
        try {
          info = await lstat(abs);
        } catch (error) {
          this.problems.push({ source: rel, message: `cannot read: ${(error as Error).message}` });
          continue;
        }
        if (info.isDirectory()) {
          subdirs.push(rel);
          continue;
        }
        count += 1;
        if (count > this.budget.maxEntries) {
          throw new EntryBudgetError(this.inputPath, this.budget.maxEntries, 'files');
        }
        if (info.isSymbolicLink()) {
          const link = await this.resolveLink(abs, rel, rootReal);
          if (link) yield link;
          continue;
        }
        if (!info.isFile()) {
          this.problems.push({ source: rel, message: 'not a regular file (device, socket or pipe): not read' });
          continue;
        }
        this.totalBytes += info.size;
        const before = this.bytesRead;
        yield { path: rel, type: 'file', size: info.size, stream: () => this.read(abs) };
        // A file passed over (or read in part) counts as read: progress is measured against all the files' sizes.
        this.bytesRead = Math.max(this.bytesRead, before + info.size);
      }
      // Reverse so that pop() visits them in sorted order.
      stack.push(...subdirs.reverse());
    }
  }

  /**
   * The folder the bundle sits in: the input itself, or its only subfolder when the user gives the folder
   * an archive was unpacked into (`./support-bundle-2024-05-01T12_30_00/`, `./velero-bundle/`).
   */
  private async bundleRoot(): Promise<string> {
    const names = (await readdir(this.inputPath, { withFileTypes: true })).filter((d) => !d.name.startsWith('.'));
    const folders = names.filter((d) => d.isDirectory());
    const only = folders[0];
    // Loose files beside the one folder (a README) do not make it a bundle; bundle files at the top do.
    if (folders.length === 1 && only && !names.some((d) => isTopLevelName(d.name))) {
      this.root = only.name;
      return join(this.inputPath, only.name);
    }
    return this.inputPath;
  }

  private async resolveLink(abs: string, rel: string, rootReal: string): Promise<Entry | undefined> {
    let target: string;
    try {
      target = await realpath(abs);
    } catch {
      this.problems.push({ source: rel, message: `symbolic link to ${await readlink(abs).catch(() => 'an unreadable target')} is broken: not followed` });
      return undefined;
    }
    const inside = relative(rootReal, target);
    if (!inside || inside.startsWith('..') || inside.startsWith(sep) || /^[A-Za-z]:/.test(inside)) {
      this.problems.push({ source: rel, message: 'symbolic link leads outside the bundle: not followed' });
      return undefined;
    }
    const info = await lstat(target);
    // A link to a folder inside the root adds nothing: the walk reaches that folder itself.
    if (!info.isFile()) return undefined;
    return { path: rel, type: 'symlink', size: info.size, linkTarget: inside.split(sep).join('/'), stream: () => this.read(target) };
  }

  private async *read(abs: string): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(abs, { highWaterMark: 256 * 1024 })) {
      this.bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
}
