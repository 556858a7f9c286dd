// The files of one custom-resource list, one per namespace, built page by page (on the collect worker for big lists).
import { ArrayFile, type BuiltFile } from './array-file.js';
import { customResourcePath } from './layout.js';
import type { KubeObject } from '../model/kube.js';
import { parseListPage, type ListPage } from './pages.js';

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
}

export class ListFiles {
  private readonly files = new Map<string, ArrayFile>();

  constructor(
    private readonly target: ListTarget,
    private readonly redact: (text: string, path: string) => string,
    private readonly level: number,
  ) {}

  /** Adds one page: its text, or the page parsed when the caller has it already. */
  add(text: string | ListPage): PageSummary {
    const page = typeof text === 'string' ? parseListPage(text) : text;
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
    return { count: page.items.length, continue: page.continue };
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
