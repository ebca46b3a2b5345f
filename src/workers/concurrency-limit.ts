/** The limit was closed: the task did not run. */
export class ConcurrencyLimitClosedError extends Error {
  override readonly name = 'ConcurrencyLimitClosedError';
}

/**
 * At most `limit` of the given tasks run at once; the rest wait their turn in the order they asked. Used
 * where one job holds many pieces of work (a group of webhook deliveries) and the process's limit is on
 * the pieces, not on the jobs. Closing it (a worker shutting down) turns away the tasks still waiting, so
 * a shutdown waits only for the tasks already running.
 */
export class ConcurrencyLimit {
  private running = 0;
  private closed = false;
  private readonly waiting: { start: () => void; refuse: (error: Error) => void }[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer: ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ConcurrencyLimitClosedError('closed: the task was not run');
    if (this.running >= this.limit) {
      await new Promise<void>((start, refuse) => this.waiting.push({ start, refuse }));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so `running` never drops below what is really running.
      if (next) next.start();
      else this.running -= 1;
    }
  }

  /** Refuses the tasks still waiting and every later one; the running ones finish. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.refuse(new ConcurrencyLimitClosedError('closed before the task could run'));
    }
  }
}
