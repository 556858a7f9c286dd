// The collected files on their way into the bundle: List and array files filled across steps, files written as they come, all redacted first.
import type { BundleWriter } from '../bundle/writer.js';
import type { KubeObject } from '../model/kube.js';
import { byCodeUnits } from '../util/compare.js';
import { INDENT_LIMIT, jsonArray, type BuiltFile } from './array-file.js';
import type { Offload } from './offload.js';

interface ListAccumulator {
  apiVersion: string;
  kind: string;
  items: Map<string, KubeObject>;
}

/**
 * Several steps add to one file (pods of a namespace come from the Velero, kotsadm and coverage
 * steps): those files are filled in memory, each object once by namespace/name, and written when
 * collection ends (finish()), in path order so that the bundle is the same from run to run.
 */
export class BundleFiles {
  private readonly lists = new Map<string, ListAccumulator>();
  private readonly arrays = new Map<string, Map<string, KubeObject>>();
  /** Files being written while collection goes on; finish() waits for them. */
  private readonly writes: Promise<void>[] = [];

  constructor(
    private readonly writer: BundleWriter,
    private readonly offload: Offload,
  ) {}

  /** Adds items to a List file. `keep`: an object already there (a whole kotsadm pod) is not replaced (by a slimmed copy). */
  addToList(path: string, apiVersion: string, kind: string, items: KubeObject[], merge: 'replace' | 'keep' = 'replace'): void {
    const list = this.lists.get(path) ?? { apiVersion, kind: `${kind}List`, items: new Map() };
    for (const item of items) {
      const key = `${item.metadata.namespace ?? ''}/${item.metadata.name}`;
      if (merge === 'replace' || !list.items.has(key)) list.items.set(key, item);
    }
    this.lists.set(path, list);
  }

  /** Adds items to a JSON array file (velero.io kinds), replacing an object already there. */
  addToArray(path: string, items: KubeObject[]): void {
    const array = this.arrays.get(path) ?? new Map<string, KubeObject>();
    for (const item of items) array.set(`${item.metadata.namespace ?? ''}/${item.metadata.name}`, item);
    this.arrays.set(path, array);
  }

  /** Every text file goes through the redactor before it reaches the archive. */
  async writeText(path: string, text: string): Promise<void> {
    await this.writer.addFile(path, await this.offload.redactText(text, path));
  }

  /** Files built (and redacted) page by page. */
  async writeBuilt(files: BuiltFile[]): Promise<void> {
    await Promise.all(files.map((file) => ('gzip' in file ? this.writer.addGzipMember(file.path, file.size, file.gzip) : this.writer.addFile(file.path, file.content))));
  }

  /** A write that goes on while collection does; its failure surfaces from finish(). */
  background(write: Promise<void>): void {
    write.catch(() => {}); // observed by finish(), which awaits every one
    this.writes.push(write);
  }

  /** Waits for the background writes, then writes the filled List and array files. */
  async finish(): Promise<void> {
    await Promise.all(this.writes);
    for (const [path, list] of [...this.lists].sort(([a], [b]) => byCodeUnits(a, b))) {
      await this.writeText(path, jsonList(list.kind, list.apiVersion, [...list.items.values()]));
    }
    for (const [path, array] of [...this.arrays].sort(([a], [b]) => byCodeUnits(a, b))) {
      await this.writeText(path, jsonArray([...array.values()]));
    }
  }
}

/** A Kubernetes List object (troubleshoot's core-kind files). */
export function jsonList(kind: string, apiVersion: string, items: unknown[]): string {
  return `${JSON.stringify({ kind, apiVersion, metadata: {}, items }, null, items.length > INDENT_LIMIT ? undefined : 2)}\n`;
}
