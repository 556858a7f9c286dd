// A custom-resource file (a JSON array) built page by page, so that a big list is serialised and redacted while its next page travels.
import type { KubeObject } from '../model/kube.js';

/** Above this many objects a file is written without indentation (see jsonArray). */
export const INDENT_LIMIT = 1000;

type Redact = (text: string, path: string) => Promise<string>;

/**
 * Small files are kept as objects and indented at the end, as troubleshoot writes them. Once a file
 * passes INDENT_LIMIT objects it is compact, and then each page becomes its part of the array text
 * at once (compact `JSON.stringify` of an array is its items' joined by commas, so the bytes are the
 * same as stringifying the whole list at the end): 20,000 PodVolumeBackups left to the end made the
 * collector's last half second (bench/collect.bench.ts). Compact JSON is one line and every redactor
 * matches within one key and value, so redacting the parts is redacting the whole.
 */
export class ArrayFile {
  private items: KubeObject[] | undefined = [];
  private readonly parts: Promise<string>[] = [];
  count = 0;

  constructor(
    readonly path: string,
    private readonly redact: Redact,
  ) {}

  /**
   * Adds a page's objects. `raw`, when given, is their text as the server sent it (items joined by
   * commas, see itemsText): in a compact file it is written instead of stringifying the objects again.
   */
  add(items: KubeObject[], raw?: string): void {
    this.count += items.length;
    let fresh = items;
    let text = raw;
    if (this.items) {
      for (const item of items) this.items.push(item);
      if (this.count <= INDENT_LIMIT) return;
      fresh = this.items;
      this.items = undefined;
      if (fresh.length !== items.length) text = undefined;
    }
    if (fresh.length === 0) return;
    const part = this.redact(text ?? fresh.map((item) => JSON.stringify(item)).join(','), this.path);
    part.catch(() => {}); // awaited by text(); a list that fails half way never asks
    this.parts.push(part);
  }

  /** The redacted file. */
  async text(): Promise<string> {
    if (this.items) return this.redact(jsonArray(this.items), this.path);
    return `[${(await Promise.all(this.parts)).join(',')}]\n`;
  }
}

/**
 * A JSON array, indented as troubleshoot writes it for files a person reads, and compact for big
 * lists: indentation makes 20,000 PodVolumeBackups half again as large, and every byte is stringified,
 * redacted and gzipped (bench/collect.bench.ts).
 */
export function jsonArray(items: unknown[]): string {
  return `${JSON.stringify(items, null, items.length > INDENT_LIMIT ? undefined : 2)}\n`;
}
