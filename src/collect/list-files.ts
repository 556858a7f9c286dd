// The files of one custom-resource list, one per namespace, built page by page (on the collect worker for big lists).
import { ArrayFile, type BuiltFile } from './array-file.js';
import { customResourcePath } from './layout.js';
import type { KubeObject } from '../model/kube.js';
import { parseListPage } from './pages.js';

/** Which list: its API group and resource (the folder under cluster-resources/custom-resources/). */
export interface ListTarget {
  group: string;
  plural: string;
}

/** A list page that is not JSON. */
export class NotJsonError extends Error {
  constructor() {
    super('the answer is not JSON');
  }
}

export interface PageSummary {
  count: number;
  continue: string | undefined;
  /** The page's objects cut down to the fields asked for (see ListFiles.add), when some were. */
  kept?: KubeObject[];
}

export class ListFiles {
  private readonly files = new Map<string, ArrayFile>();

  constructor(
    private readonly target: ListTarget,
    private readonly redact: (text: string, path: string) => string,
    private readonly level: number,
  ) {}

  /**
   * Adds one page. `keep` names the fields (dotted paths) of its objects that the caller reads later:
   * the summary carries the objects cut down to them, so that the caller's thread neither parses the
   * page nor holds thousands of whole objects (parsing and keeping 5,000 Backups there, and the garbage
   * collection that followed, held the main thread for some 50 ms: bench/collect.bench.ts).
   */
  add(text: string, keep?: readonly string[]): PageSummary {
    const page = parseListPage(text);
    if (!page) throw new NotJsonError();
    const groups = groupByNamespace(page.items);
    for (const [ns, items] of groups) {
      let file = this.files.get(ns);
      if (!file) {
        file = new ArrayFile(customResourcePath(this.target.group, this.target.plural, ns || undefined), this.redact, this.level);
        this.files.set(ns, file);
      }
      // The page's own bytes serve when they are the whole of one file's part.
      file.add(items, groups.size === 1 ? page.raw : undefined);
    }
    const summary: PageSummary = { count: page.items.length, continue: page.continue };
    if (keep) summary.kept = page.items.map((item) => pick(item, keep));
    return summary;
  }

  finish(): Promise<BuiltFile[]> {
    return Promise.all([...this.files.values()].map((file) => file.finish()));
  }
}

/** Objects by namespace ('' for cluster-scoped ones), in list order. */
export function groupByNamespace(items: KubeObject[]): Map<string, KubeObject[]> {
  const groups = new Map<string, KubeObject[]>();
  for (const item of items) {
    const ns = item.metadata.namespace ?? '';
    const group = groups.get(ns);
    if (group) group.push(item);
    else groups.set(ns, [item]);
  }
  return groups;
}

/** A copy of a Kubernetes object with only its kind, its name and the given dotted paths (those it has). */
export function pick(object: KubeObject, paths: readonly string[]): KubeObject {
  const copy: KubeObject = { kind: object.kind, metadata: { name: object.metadata.name } };
  for (const path of paths) {
    const keys = path.split('.');
    let value: unknown = object;
    for (const key of keys) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined) continue;
    let into = copy as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) into = (into[key] ??= {}) as Record<string, unknown>;
    into[keys[keys.length - 1] ?? ''] = value;
  }
  return copy;
}
