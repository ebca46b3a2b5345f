/**
 * At most `limit` of the given tasks run at once; the rest wait their turn in the order they asked. Used
 * where one job holds many pieces of work (a group of webhook deliveries) and the process's limit is on
 * the pieces, not on the jobs.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer: ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so `running` never drops below what is really running.
      if (next) next();
      else this.running -= 1;
    }
  }
}
