import type { GlobalPosition, RecordedEvent, SubscribeToAllOptions, Subscription } from './event-store';

/** Tells live subscriptions that something was appended, so they read now instead of at the next poll. */
export class AppendSignal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface PollingSubscriptionOptions extends SubscribeToAllOptions {
  /** Events strictly after `after`, in global order, at most `limit`. */
  readPage: (after: GlobalPosition, limit: number) => RecordedEvent[];
  signal: AppendSignal;
  pollIntervalMs: number;
  pageSize: number;
  /** Called once when delivery has stopped for good (closed or failed). */
  onStopped?: () => void;
}

/**
 * Catch-up then live delivery driven only by reads after the last delivered position: the append signal
 * and the poll timer are mere hints to read again, so a wake-up that races a read can neither skip nor
 * repeat an event.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  /** Set by every append signal; cleared just before a read, so a signal during delivery forces a re-read. */
  private appendedSinceRead = false;
  private wake: (() => void) | undefined;
  private wakeSoon: NodeJS.Immediate | undefined;
  private readonly stopListening: () => void;
  private readonly done: Promise<void>;

  constructor(private readonly options: PollingSubscriptionOptions) {
    // A sleeping subscription reads once the current tick's appends are all in, not after the first of
    // them: a burst of appends (a worker's concurrent jobs) is then one page, not one read per event.
    this.stopListening = options.signal.listen(() => {
      this.appendedSinceRead = true;
      if (this.wake === undefined || this.wakeSoon !== undefined) return;
      this.wakeSoon = setImmediate(() => {
        this.wakeSoon = undefined;
        this.wake?.();
      });
    });
    // Started on the next microtask, so the owner has registered this subscription before it can stop.
    this.done = Promise.resolve().then(() => this.run());
  }

  /** Resolves once no delivery is in flight and none will start. Do not await it inside onEvent. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { readPage, pageSize, onEvent, onEvents } = this.options;
    let checkpoint = this.options.fromPosition ?? 0n;
    try {
      while (!this.closed) {
        this.appendedSinceRead = false;
        const page = readPage(checkpoint, pageSize);
        const last = page.at(-1);
        if (onEvents && last) {
          if (this.closed) return;
          await onEvents(page);
          checkpoint = last.position;
        } else {
          for (const event of page) {
            if (this.closed) return;
            await onEvent(event);
            checkpoint = event.position;
          }
        }
        if (page.length < pageSize && !this.appendedSinceRead) await this.sleep();
      }
    } catch (error) {
      if (!this.closed) {
        this.closed = true;
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
    } finally {
      if (this.wakeSoon !== undefined) clearImmediate(this.wakeSoon);
      this.stopListening();
      this.options.onStopped?.();
    }
  }

  private sleep(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, this.options.pollIntervalMs);
      this.wake = wake;
    });
  }
}
