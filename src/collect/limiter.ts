// A counting semaphore with priorities: at most `limit` slots held at once; waiters get them by priority, then in arrival order.

/**
 * Which waiting request gets the next free slot. A collection is a set of chains of round trips
 * (version → discovery → every page of a list; create → poll → download → delete), and lasts as
 * long as its longest chain, so steps of a chain under way go first, then requests whose answers
 * start others, and last the leaves nothing waits for (bench/collect.bench.ts).
 */
export const Priority = {
  /** The next step of a chain under way: a poll, a download, a delete. */
  CHAIN: 0,
  /** Requests whose answers start other requests or long chains (the Velero lists, pods whose logs follow). */
  OPENS: 1,
  /** Requests nothing waits for: logs, context lists. */
  LEAF: 2,
} as const;

export type Priority = (typeof Priority)[keyof typeof Priority];

/** One held slot: its holder runs one task in it at a time, then releases it. */
export class Slot {
  private busy = false;
  private released = false;

  constructor(private readonly free: () => void) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // Two requests at once in one slot would break the concurrency bound the slot stands for.
    if (this.busy || this.released) throw new Error(this.released ? 'the slot was released' : 'the slot is already in use');
    this.busy = true;
    try {
      return await task();
    } finally {
      this.busy = false;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.free();
  }
}

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[][] = [[], [], []];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, not ${limit}`);
  }

  /** A slot, once one is free and no waiter of a higher priority (lower number) is ahead. */
  async acquire(priority: Priority = Priority.OPENS): Promise<Slot> {
    // A released slot passes straight to the next waiter, so `active` never overshoots.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting[priority]?.push(resolve));
    else this.active += 1;
    return new Slot(() => this.handOn());
  }

  /** Runs `task` in a slot of its own. */
  async run<T>(task: () => Promise<T>, priority: Priority = Priority.OPENS): Promise<T> {
    const slot = await this.acquire(priority);
    try {
      return await slot.run(task);
    } finally {
      slot.release();
    }
  }

  private handOn(): void {
    const next = this.waiting.find((queue) => queue.length > 0)?.shift();
    if (next) next();
    else this.active -= 1;
  }
}
