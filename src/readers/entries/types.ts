// What an input is made of, whatever its container: entries with a relative path, a type and a content stream.
import type { Problem } from '../../model/bundle.js';

/** One file (or symbolic link) of an archive or folder. */
export interface Entry {
  /** Relative to the bundle root: forward slashes, no leading `./`, the root folder stripped. */
  path: string;
  type: 'file' | 'symlink';
  /** Bytes of content (0 for links). */
  size: number;
  /** For symlinks: the target, resolved to a path relative to the bundle root (always inside it). */
  linkTarget?: string;
  /** The content, streamed. Call it at most once, before asking for the next entry; unread content is skipped. */
  stream(): AsyncIterable<Buffer>;
}

/** The entries of one input, in the order the archive or the walk yields them. */
export interface EntrySource extends AsyncIterable<Entry> {
  /** The input path as given. */
  readonly inputPath: string;
  readonly kind: 'archive' | 'folder';
  /**
   * The folder every entry sat under, once known (`support-bundle-2024-05-01T12_30_00`,
   * `velero-bundle`); for a folder input, its base name.
   */
  readonly root: string | undefined;
  /** Entries that were not followed or could not be read (traversal, links leading out, devices, I/O errors). */
  readonly problems: Problem[];
  /** Decompressed bytes read so far (for progress and budgets; a folder counts the files passed over too). */
  readonly bytesRead: number;
  /** All the bytes it will give once decompressed, as far as it can tell now (archives: the gzip trailer, refined while reading). */
  readonly estimatedBytes?: number;
  /** Bytes of the archive file itself read so far (archives only; compare with totalBytes). */
  readonly inputBytesRead?: number;
  /** Bytes of the input on disk (the archive size; for folders, the sum of file sizes seen). */
  readonly totalBytes: number;
}
