import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from '../../src/infrastructure/event-store/event-store';

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * An EventStore fake for tests of what sits on top of the port. Positions advance by `positionStep`
 * (10 by default) so code that takes positions for event counts shows up.
 */
export class InMemoryEventStore implements EventStore {
  /** Test hook: deliver every event twice to subscribers, as an at-least-once transport may. */
  duplicateDeliveries = false;
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly appendListeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly positionStep: bigint = 10n) {}

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamName) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (expectedRevision !== actual) {
      const retried = this.alreadyAppended(stream, events, expectedRevision);
      if (retried) return retried;
      throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
    }
    for (const event of events) {
      const recorded: RecordedEvent = {
        ...structuredClone(event),
        streamName,
        revision: stream.length,
        position: BigInt(this.all.length + 1) * this.positionStep,
        recordedAt: new Date().toISOString(),
      };
      stream.push(recorded);
      this.all.push(recorded);
    }
    this.streams.set(streamName, stream);
    for (const listener of this.appendListeners) listener();
    const last = stream.at(-1);
    return { nextExpectedRevision: stream.length - 1, position: last?.position ?? 0n };
  }

  async readStream(streamName: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return structuredClone((this.streams.get(streamName) ?? []).slice(options.fromRevision ?? 0));
  }

  async streamHead(streamName: string): Promise<{ revision: number; position: GlobalPosition } | undefined> {
    const last = this.streams.get(streamName)?.at(-1);
    return last && { revision: last.revision, position: last.position };
  }

  async readAll(options: { fromPosition?: GlobalPosition; limit?: number } = {}): Promise<RecordedEvent[]> {
    const after = this.all.filter(
      (event) => options.fromPosition === undefined || event.position > options.fromPosition,
    );
    return structuredClone(after.slice(0, options.limit ?? after.length));
  }

  subscribeToAll({ fromPosition, onEvent, onError }: SubscribeToAllOptions): Subscription {
    let closed = false;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    this.appendListeners.add(listener);
    const deliverAll = async (): Promise<void> => {
      // Asynchronous from the first event on, like the real adapters.
      await Promise.resolve();
      let next =
        fromPosition === undefined ? 0 : this.all.findIndex((event) => event.position > fromPosition);
      if (next === -1) next = this.all.length;
      try {
        while (!closed) {
          const event = this.all[next];
          if (event === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          for (let copy = 0; copy < (this.duplicateDeliveries ? 2 : 1) && !closed; copy += 1) {
            await onEvent(structuredClone(event));
          }
          next += 1;
        }
      } catch (error) {
        closed = true;
        onError?.(toError(error));
      } finally {
        this.appendListeners.delete(listener);
      }
    };
    const done = deliverAll();
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        wake?.();
        this.subscriptions.delete(subscription);
        await done;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    return this.all.at(-1)?.position;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  /** The events a retry of an append already wrote at `expectedRevision`, if it is one. */
  private alreadyAppended(
    stream: RecordedEvent[],
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): AppendResult | undefined {
    const start = expectedRevision === 'no_stream' ? 0 : expectedRevision + 1;
    const written = stream.slice(start, start + events.length);
    const same = events.length > 0 && written.length === events.length;
    if (!same || !written.every((recorded, index) => recorded.id === events[index]?.id)) return undefined;
    const last = written.at(-1);
    return last && { nextExpectedRevision: last.revision, position: last.position };
  }
}
