// Paging through a Kubernetes list (limit/continue): one chain of round trips per list, the next page asked for before this one is handled.
import type { KubeObject } from '../model/kube.js';
import { KubeApiError, type KubeClient } from './client.js';
import { Priority } from './limiter.js';
import { listContinue, parseListPage, type ListPage } from './pages.js';

/** Handles one page (in the chunks it arrived in) and returns its continue token as parsed. */
export type PageHandler = (page: Buffer[]) => string | undefined | Promise<string | undefined>;

export class Pager {
  constructor(
    private readonly client: KubeClient,
    private readonly pageSize: number,
  ) {}

  /** Every object of a list, all pages. */
  async all(path: string, query: Record<string, string> = {}, priority: Priority = Priority.OPENS): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    await this.pages(path, query, priority, (chunks) => {
      const page = parsePage(path, chunks);
      for (const item of page.items) items.push(item);
      return page.continue;
    });
    return items;
  }

  /**
   * Hands every page of a list to `onPage`, which returns the page's continue token as parsed. Pages
   * of one list are a chain of round trips, the longest in a run: the list holds one concurrency slot
   * (asked for with `priority`) from its first page to its last, and the next page is asked for as
   * soon as its token is read off the raw bytes (listContinue), while `onPage` handles this one (on the
   * worker, for big lists) without holding up the chain. The two tokens must agree: a list whose pages
   * disagree fails. Returns once every page is handled.
   */
  async pages(path: string, query: Record<string, string>, priority: Priority, onPage: PageHandler): Promise<void> {
    const handled: Promise<void>[] = [];
    await this.client.withSlot(priority, async (slot) => {
      let token: string | undefined;
      do {
        const page = await this.client.getChunks(path, { ...query, limit: this.pageSize, continue: token }, { slot });
        const read = listContinue(page);
        if (read === undefined) {
          token = await onPage(page);
          continue;
        }
        const expected = read ?? undefined;
        const check = (async () => {
          const parsed = await onPage(page);
          if (parsed !== expected) throw new KubeApiError(path, 200, undefined, `the list's continue token read off the page (${String(expected)}) is not the one parsed (${String(parsed)})`);
        })();
        check.catch(() => {}); // observed below, once the chain has ended
        handled.push(check);
        token = expected;
      } while (token);
    });
    await Promise.all(handled);
  }
}

/** A list page (in the chunks it arrived in) parsed; an answer that is not JSON fails the step like any bad answer. */
function parsePage(path: string, chunks: Buffer[]): ListPage {
  const page = parseListPage(Buffer.concat(chunks).toString('utf8'));
  if (!page) throw new KubeApiError(path, 200, undefined, 'the answer is not JSON');
  return page;
}
