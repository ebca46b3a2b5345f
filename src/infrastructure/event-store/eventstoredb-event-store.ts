import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamRecordedEvent,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type StreamHead,
  type SubscribeToAllOptions,
  type Subscription,
} from './event-store';
import { chainEvents, headHashOf } from './hash-chain';
import { assertAppendable } from './validate-append';

const PAGE_SIZE = 256;
/** Small: the newest events are usually user events, system ones come in bursts. */
const HEAD_PAGE_SIZE = 16;

const isSystemEvent = (event: { type: string }): boolean => event.type.startsWith('$');

/**
 * EventStoreDB orders $all by the pair (commit, prepare): the events of one append may share a commit
 * position and differ only in their prepare positions. Our port's position is one bigint, so the pair is
 * packed order-preservingly: the commit position, shifted, plus the prepare's offset from it (an append
 * is far smaller than the 2^32 bytes of room on either side).
 */
const OFFSET_BITS = 33n;
const OFFSET_BIAS = 1n << 32n;
const OFFSET_MASK = (1n << OFFSET_BITS) - 1n;

export const packPosition = ({ commit, prepare }: Position): GlobalPosition =>
  (commit << OFFSET_BITS) | (prepare - commit + OFFSET_BIAS);

export const unpackPosition = (position: GlobalPosition): Position => {
  const commit = position >> OFFSET_BITS;
  return { commit, prepare: commit + (position & OFFSET_MASK) - OFFSET_BIAS };
};

const toReadPosition = unpackPosition;

const toRecordedEvent = (event: EsdbRecordedEvent): RecordedEvent => {
  if (!event.position)
    throw new Error(`event ${event.id} has no position (EventStoreDB 22.10 or later needed)`);
  const position = packPosition(event.position);
  return {
    id: event.id,
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: event.metadata as unknown as EventMetadata,
    streamName: event.streamId,
    revision: Number(event.revision),
    position,
    recordedAt: event.created.toISOString(),
  };
};

/** The production event store: a thin mapping of the port onto the official EventStoreDB client. */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  static fromConnectionString(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertAppendable(events, expectedRevision);
    const firstRevision = expectedRevision === 'no_stream' ? 0 : expectedRevision + 1;
    const previousHash = await this.hashAt(streamName, expectedRevision);
    const chained = chainEvents(streamName, firstRevision, previousHash, events);
    try {
      const result = await this.client.appendToStream(
        streamName,
        chained.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data, metadata })),
        { expectedRevision: expectedRevision === 'no_stream' ? NO_STREAM : BigInt(expectedRevision) },
      );
      if (!result.position) throw new Error(`append to ${streamName} returned no position`);
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: packPosition(result.position),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? NO_STREAM : Number(error.actualVersion);
        throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
      }
      throw error;
    }
  }

  /**
   * The hash of the event at the expected revision, which the new events chain on. Read before appending,
   * without a transaction: if the stream moved meanwhile, the append fails on the expected revision anyway.
   */
  private async hashAt(streamName: string, expectedRevision: ExpectedRevision): Promise<string | undefined> {
    if (expectedRevision === 'no_stream') return undefined;
    const [expected] = await this.readStream(streamName, { fromRevision: expectedRevision, maxCount: 1 });
    if (!expected || expected.metadata.hash !== undefined) return expected?.metadata.hash;
    const history = await this.readStream(streamName, { maxCount: expectedRevision + 1 });
    return headHashOf(streamName, history);
  }

  async readStream(
    streamName: string,
    options: { fromRevision?: number; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    const recorded: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamName, {
        fromRevision: BigInt(options.fromRevision ?? 0),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of read) {
        if (resolved.event) recorded.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return recorded;
  }

  async streamHead(streamName: string): Promise<StreamHead | undefined> {
    try {
      const read = this.client.readStream(streamName, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const { event } of read) {
        if (event) {
          const { revision, position } = toRecordedEvent(event);
          return { revision, position };
        }
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return undefined;
  }

  /**
   * The client's readAll has no server-side filter and starts AT its position, so both are done here. Pages
   * are sized so that every read is drained: leaving a gRPC read half-consumed would keep the call open.
   */
  async readAll(options: { fromPosition?: GlobalPosition; limit?: number } = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const recorded: RecordedEvent[] = [];
    let after = options.fromPosition;
    while (recorded.length < limit) {
      const maxCount = Math.min(PAGE_SIZE, limit - recorded.length + 1);
      const from: ReadPosition = after === undefined ? START : toReadPosition(after);
      let read = 0;
      for await (const { event } of this.client.readAll({ fromPosition: from, maxCount })) {
        read += 1;
        if (!event || (after !== undefined && packPosition(event.position) <= after)) continue;
        after = packPosition(event.position);
        if (!isSystemEvent(event) && recorded.length < limit) recorded.push(toRecordedEvent(event));
      }
      if (read < maxCount) break;
    }
    return recorded;
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const { fromPosition, onEvent, onError } = options;
    const stream = this.client.subscribeToAll({
      fromPosition: fromPosition === undefined ? START : toReadPosition(fromPosition),
      filter: excludeSystemEvents(),
    });
    let closed = false;
    let done: Promise<void> = Promise.resolve();
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        await stream.unsubscribe().catch(() => undefined);
        // Cancelling the gRPC call does not end the piped readable, so end it here to release the loop.
        stream.destroy();
        await done;
      },
    };
    const deliver = async (): Promise<void> => {
      try {
        for await (const { event } of stream) {
          if (closed) return;
          if (!event || isSystemEvent(event)) continue;
          if (fromPosition !== undefined && packPosition(event.position) <= fromPosition) continue;
          await onEvent(toRecordedEvent(event));
        }
        if (!closed) throw new Error('the EventStoreDB subscription ended');
      } catch (error) {
        if (!closed) onError?.(error instanceof Error ? error : new Error(String(error)));
      } finally {
        closed = true;
        this.subscriptions.delete(subscription);
        await stream.unsubscribe().catch(() => undefined);
      }
    };
    done = deliver();
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      let head: GlobalPosition | undefined;
      let oldest: AllStreamRecordedEvent | undefined;
      for await (const { event } of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: from,
        maxCount: HEAD_PAGE_SIZE,
      })) {
        read += 1;
        if (!event) continue;
        if (head === undefined && !isSystemEvent(event)) head = packPosition(event.position);
        oldest = event;
      }
      if (head !== undefined || read < HEAD_PAGE_SIZE || !oldest) return head;
      // Reading backwards from a position excludes the event at that position.
      from = oldest.position;
    }
  }

  async ping(): Promise<void> {
    await this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }).toArray();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}
