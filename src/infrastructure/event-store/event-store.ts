/**
 * The event store port. Adapters: SQLite (embedded default) and EventStoreDB (production).
 * Every adapter passes test/infrastructure/event-store.contract.ts.
 */

export type ActorKind = 'api_key' | 'jwt' | 'system' | 'ocpi_party';

export interface EventMetadata {
  correlationId: string;
  causationId?: string;
  actor: { id: string; kind: ActorKind };
  idempotencyKey?: string;
  occurredAt: string;
  schemaVersion: number;
  /** Written by the store on append (see hash-chain.ts): the hash of the stream's event before this one. */
  previousHash?: string;
  /** Written by the store on append: the hash of this event's canonical content, previousHash included. */
  hash?: string;
}

export interface NewEvent {
  /** A UUID. Deterministic where a retry could repeat the append, so the append is idempotent. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** Position in the global ($all) order. Strictly increasing with each appended event. */
export type GlobalPosition = bigint;

export interface RecordedEvent extends NewEvent {
  streamName: string;
  /** 0-based index of the event inside its stream. */
  revision: number;
  position: GlobalPosition;
  recordedAt: string;
}

/** `no_stream`: the stream must not exist yet; a number: the revision of the stream's last event. */
export type ExpectedRevision = 'no_stream' | number;

export interface StreamHead {
  revision: number;
  position: GlobalPosition;
}

export interface AppendResult {
  /** Revision of the last event written; pass it as the next expectedRevision. */
  nextExpectedRevision: number;
  /** Global position of the last event written. */
  position: GlobalPosition;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export interface SubscribeToAllOptions {
  /** Deliver events strictly after this position; undefined delivers from the very start. */
  fromPosition?: GlobalPosition;
  onEvent: (event: RecordedEvent) => Promise<void>;
  /**
   * Optional: a store that reads live events in pages (SQLite) hands each page over at once, in order,
   * instead of calling onEvent per event; it moves past the page only once this resolves. Others ignore it.
   */
  onEvents?: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called when the subscription fails for good (onEvent threw, or the store dropped it). */
  onError?: (error: Error) => void;
}

export interface Subscription {
  /** Stops delivery; resolves once the delivery in flight, if any, has finished. Never await it inside onEvent. */
  close(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically with the exact expected revision. Throws WrongExpectedRevisionError otherwise,
   * except when the very same events (same ids) were already appended at that revision: then it
   * returns the original result (idempotent retry).
   */
  appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /** All events of the stream from `fromRevision` (default 0), in order; [] when the stream does not exist. */
  readStream(streamName: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /**
   * The revision and global position of the stream's last event, without reading the stream (a GET's
   * read-your-writes wait needs only that); undefined when the stream does not exist.
   */
  streamHead(streamName: string): Promise<StreamHead | undefined>;
  /** Events in global order strictly after `fromPosition`, at most `limit`. User events only. */
  readAll(options?: { fromPosition?: GlobalPosition; limit?: number }): Promise<RecordedEvent[]>;
  /** Catches up from `fromPosition`, then delivers live events, one at a time, in global order. */
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  /** Position of the newest event, or undefined when the store is empty. */
  headPosition(): Promise<GlobalPosition | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
