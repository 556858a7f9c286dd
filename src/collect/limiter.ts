// A counting semaphore: at most `limit` tasks run at once, the rest wait, urgent ones first, otherwise in arrival order.

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be at least 1, not ${limit}`);
  }

  /**
   * Runs `task` when a slot is free. `urgent` tasks (the next page of a list: a chain of round trips
   * that bounds the whole run) go before every waiting ordinary one.
   */
  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    if (this.active >= this.limit) await new Promise<void>((resolve) => (urgent ? this.urgent : this.waiting).push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.urgent.shift() ?? this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
