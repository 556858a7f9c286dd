// Output folders made level by level, undone after a failure, with errors that name the path in words.
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SnapshotDoctorError } from '../errors.js';

/** A file or folder the user asked for that cannot be written: one line naming it. */
export class OutputPathError extends SnapshotDoctorError {
  constructor(
    readonly path: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EISDIR: 'is an existing folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
};

/** A file-system error in words, with its code for searching (`permission denied (EACCES)`). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  if (code) return code;
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/**
 * Makes `dir` and its missing parents one level at a time and returns the folders it made, outermost
 * first. Node's `mkdir(…, { recursive: true })` never returns where a level cannot be made though its
 * parent exists (any path under /proc), so a recursive mkdir is not used for paths a user gives.
 */
export async function makeDirs(dir: string, shownAs = dir): Promise<string[]> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; ) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new OutputPathError(shownAs, `cannot create: ${describeFsError(error)}`, { cause: error });
    });
    if (found) {
      if (!found.isDirectory()) throw new OutputPathError(shownAs, `cannot create: ${at} is a file, not a folder`);
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  const made: string[] = [];
  for (const level of missing) {
    try {
      await mkdir(level);
      made.push(level);
    } catch (error) {
      await removeDirs(made);
      throw new OutputPathError(shownAs, `cannot create: ${describeFsError(error)}`, { cause: error });
    }
  }
  return made;
}

/** Removes folders `makeDirs` made, innermost first, as far as they are still empty. */
export async function removeDirs(made: string[]): Promise<void> {
  for (const level of [...made].reverse()) {
    const removed = await rmdir(level).then(() => true, () => false);
    if (!removed) return;
  }
}

/** Refuses an output file path that names an existing folder or device: a report or bundle never replaces one. */
export async function checkOutputFile(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) throw new OutputPathError(path, 'is an existing folder; give a file name');
  if (found && !found.isFile()) throw new OutputPathError(path, 'exists and is not a regular file');
}
