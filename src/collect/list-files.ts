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
  /** The page's objects that later steps read, cut down to the fields they read (see Reads), when asked. */
  kept?: KubeObject[];
}

/**
 * What later steps read of a list: which objects (all of them unless `when` or `firstOf` says) and
 * which of their fields (dotted paths; kind and name always). Plain data, so that it crosses to the
 * worker, which picks while it builds the files.
 */
export interface Reads {
  fields: readonly string[];
  /** The objects whose value at `path` is one of `values`… */
  when?: { path: string; values: readonly string[] };
  /** …and the first object of the list with each distinct value at this path. */
  firstOf?: string;
  /**
   * …and, of the objects for which `when` holds, the newest (by `time`) of each distinct value at
   * `group` (path segments, for label keys holding dots), per page: the caller keeps the newest.
   */
  newestOf?: { group: readonly string[]; time: string; when: { path: string; values: readonly string[] } };
}

export class ListFiles {
  private readonly files = new Map<string, ArrayFile>();
  /** The values at `Reads.firstOf` seen on earlier pages. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly target: ListTarget,
    private readonly redact: (text: string, path: string) => string,
    private readonly level: number,
  ) {}

  /**
   * Adds one page. With `reads`, the summary carries the objects later steps read, cut down to the
   * fields they read, so that the caller's thread neither parses the page nor holds thousands of
   * whole objects (parsing and keeping thousands of Backups there, and the garbage collection that
   * followed, held up the main thread's requests: bench/README.md, "Choices in the code").
   */
  add(text: string, reads?: Reads): PageSummary {
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
    if (reads) {
      summary.kept = page.items.filter((item) => this.isRead(item, reads)).map((item) => pick(item, reads.fields));
      if (reads.newestOf) summary.kept.push(...newestPerGroup(page.items, reads.newestOf).map((item) => pick(item, reads.fields)));
    }
    return summary;
  }

  private isRead(item: KubeObject, { when, firstOf }: Reads): boolean {
    if (!when && firstOf === undefined) return true;
    let read = when !== undefined && when.values.includes(String(valueAt(item, when.path) ?? ''));
    if (firstOf !== undefined) {
      const value = JSON.stringify(valueAt(item, firstOf) ?? null);
      read ||= !this.seen.has(value);
      this.seen.add(value);
    }
    return read;
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
    const value = valueAt(object, path);
    if (value === undefined) continue;
    const keys = path.split('.');
    let into = copy as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) into = (into[key] ??= {}) as Record<string, unknown>;
    into[keys[keys.length - 1] ?? ''] = value;
  }
  return copy;
}

/** The value at a dotted path (or at path segments) of an object, or undefined. */
function valueAt(object: unknown, path: string | readonly string[]): unknown {
  let value = object;
  for (const key of typeof path === 'string' ? path.split('.') : path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function newestPerGroup(items: KubeObject[], { group, time, when }: NonNullable<Reads['newestOf']>): KubeObject[] {
  const newest = new Map<string, KubeObject>();
  for (const item of items) {
    if (!when.values.includes(String(valueAt(item, when.path) ?? ''))) continue;
    const key = valueAt(item, group);
    if (typeof key !== 'string' || !key) continue;
    const current = newest.get(key);
    if (!current || String(valueAt(item, time) ?? '') > String(valueAt(current, time) ?? '')) newest.set(key, item);
  }
  return [...newest.values()];
}
