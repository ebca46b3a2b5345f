import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  StreamHead,
  SubscribeToAllOptions,
  Subscription,
} from '../infrastructure/event-store/event-store';
import { AppendSignal, PollingSubscription } from '../infrastructure/event-store/polling-subscription';

/**
 * A read-only event store over a recorded history (an export), keeping each event's original position:
 * projections may store positions (a webhook subscription's `fromPosition`), so a replay must not renumber.
 */
export class RecordedHistory implements EventStore {
  private readonly events: RecordedEvent[];
  private readonly signal = new AppendSignal();

  constructor(events: readonly RecordedEvent[]) {
    this.events = [...events].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
    );
  }

  async appendToStream(): Promise<never> {
    throw new Error('a recorded history is read-only');
  }

  async readStream(streamName: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.events.filter(
      (event) => event.streamName === streamName && event.revision >= (options.fromRevision ?? 0),
    );
  }

  async streamHead(streamName: string): Promise<StreamHead | undefined> {
    const last = this.events.findLast((event) => event.streamName === streamName);
    return last && { revision: last.revision, position: last.position };
  }

  async readAll(options: { fromPosition?: GlobalPosition; limit?: number } = {}): Promise<RecordedEvent[]> {
    return this.page(options.fromPosition ?? -1n, options.limit ?? -1);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return new PollingSubscription({
      ...options,
      readPage: (after, limit) => this.page(after, limit),
      signal: this.signal,
      pollIntervalMs: 1_000,
      pageSize: 1_000,
      onStopped: () => undefined,
    });
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    return this.events.at(-1)?.position;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private page(after: GlobalPosition, limit: number): RecordedEvent[] {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.events[middle]!.position <= after) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low, limit < 0 ? undefined : low + limit);
  }
}
