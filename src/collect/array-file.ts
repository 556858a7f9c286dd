// A custom-resource file (a JSON array) built page by page: small ones indented at the end, big ones compact and compressed as their pages arrive.
import { createGzip, type Gzip } from 'node:zlib';
import type { KubeObject } from '../model/kube.js';

/** Above this many objects a file is written without indentation (see jsonArray). */
export const INDENT_LIMIT = 1000;

type Redact = (text: string, path: string) => string;

/**
 * A finished file: its bytes, or for a big file a gzip member holding them, compressed while the
 * list was still being read (BundleWriter.addGzipMember splices it into the archive as it is).
 */
export type BuiltFile = { path: string; content: Buffer } | { path: string; size: number; gzip: Buffer };

/**
 * Small files are kept as objects and indented at the end, as troubleshoot writes them. Once a file
 * passes INDENT_LIMIT objects it is compact, and each page becomes its part of the array text at
 * once (compact `JSON.stringify` of an array is its items' joined by commas, so the bytes are those
 * of stringifying the whole list at the end), redacted and compressed: 20,000 PodVolumeBackups left
 * to the end made the collector's last half second (bench/collect.bench.ts). Compact JSON is one
 * line and every redactor matches within one key and value, so redacting the parts is redacting the whole.
 */
export class ArrayFile {
  private items: KubeObject[] | undefined = [];
  private member: GzipMember | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly redact: Redact,
    private readonly level: number,
  ) {}

  /**
   * Adds a page's objects. `raw`, when given, is their text as the server sent it (items joined by
   * commas, see itemsText): in a compact file it is written instead of stringifying the objects again.
   */
  add(items: KubeObject[], raw?: () => string | undefined): void {
    this.count += items.length;
    let fresh = items;
    let text = raw;
    if (this.items) {
      for (const item of items) this.items.push(item);
      if (this.count <= INDENT_LIMIT) return;
      fresh = this.items;
      this.items = undefined;
      if (fresh.length !== items.length) text = undefined;
      this.member = new GzipMember(this.level);
    }
    if (fresh.length === 0) return;
    const part = text?.() ?? fresh.map((item) => JSON.stringify(item)).join(',');
    this.member?.write(this.member.size === 0 ? `[${this.redact(part, this.path)}` : `,${this.redact(part, this.path)}`);
  }

  async finish(): Promise<BuiltFile> {
    if (this.items || !this.member) return { path: this.path, content: Buffer.from(this.redact(jsonArray(this.items ?? []), this.path)) };
    this.member.write(']\n');
    return { path: this.path, size: this.member.size, gzip: await this.member.end() };
  }
}

/** One gzip member, compressed (on libuv's threads) as parts are written; held in memory until its file is written. */
class GzipMember {
  private readonly gzip: Gzip;
  private readonly chunks: Buffer[] = [];
  private failure: Error | undefined;
  size = 0;

  constructor(level: number) {
    this.gzip = createGzip({ level });
    this.gzip.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.gzip.on('error', (error) => (this.failure ??= error));
  }

  write(text: string): void {
    const data = Buffer.from(text, 'utf8');
    this.size += data.length;
    this.gzip.write(data);
  }

  async end(): Promise<Buffer> {
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.gzip.once('end', resolve);
      this.gzip.once('error', reject);
      this.gzip.end();
    });
    return Buffer.concat(this.chunks);
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
