import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  Subscription,
} from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import {
  DuplicateKeyError,
  type ReadStore,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import { CHECKPOINTS_COLLECTION, ProjectionCheckpoints } from './projection-checkpoints';
import type { Projection } from './projection';
import { PositionWaiters } from './position-waiters';

export type ProjectionRunnerStatus = 'running' | 'stopped' | 'failed';

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection<StoredDocument>[];
  logger: Logger;
  /** Names the runner's checkpoint; runners sharing a read store need different names. */
  name?: string;
}

/** Why the runner stopped on its own: shown by health checks. */
export interface ProjectionFailure {
  message: string;
  projection?: string;
  event?: { streamName: string; type: string; revision: number; position: GlobalPosition };
}

export interface ProjectionLag {
  head: GlobalPosition | undefined;
  applied: GlobalPosition | undefined;
  /**
   * How long the oldest event not yet applied has waited, in seconds; 0 when caught up. Seconds, not
   * positions: positions are the adapter's own units (row numbers in SQLite, packed log offsets in
   * EventStoreDB) and their differences mean nothing to an operator.
   */
  behindSeconds: number;
}

/** A stored read-model document as the runner keeps it: the projection's document plus its guard. */
type GuardedDocument = StoredDocument & { _position?: string };

class ProjectionEventError extends Error {
  constructor(
    readonly projection: string | undefined,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** A projection threw: the code or the event is wrong, and retrying cannot help. */
class ProjectionLogicError extends Error {}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;

const alreadyApplied = (doc: GuardedDocument, event: RecordedEvent): boolean =>
  doc._position !== undefined && BigInt(doc._position) >= event.position;

const withoutGuard = (doc: GuardedDocument): StoredDocument => {
  const { _position: _guard, ...rest } = doc;
  return rest;
};

/**
 * Feeds projections from the event store's $all subscription, one event at a time, in order.
 * Each document carries the position of the last event applied to it (`_position`), so a replay or a
 * duplicate delivery changes nothing, even when the checkpoint lags the documents after a crash.
 */
export class ProjectionRunner {
  private readonly name: string;
  private readonly byEventType = new Map<string, Projection<StoredDocument>[]>();
  private readonly checkpoints: ProjectionCheckpoints;
  private readonly waiters = new PositionWaiters();
  private currentStatus: ProjectionRunnerStatus = 'stopped';
  private lastFailure: ProjectionFailure | undefined;
  private applied: GlobalPosition | undefined;
  private subscription: Subscription | undefined;
  /** Bumped on every stop, so deliveries from an older subscription are ignored. */
  private generation = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.name = options.name ?? 'projections';
    this.checkpoints = new ProjectionCheckpoints(options.readStore, this.name);
    const names = new Set<string>();
    for (const projection of options.projections) {
      if (names.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      if (projection.collection === CHECKPOINTS_COLLECTION) {
        throw new Error(`projection ${projection.name} cannot use the ${CHECKPOINTS_COLLECTION} collection`);
      }
      names.add(projection.name);
      for (const type of projection.eventTypes) {
        const handlers = this.byEventType.get(type) ?? [];
        this.byEventType.set(type, [...handlers, projection]);
      }
    }
  }

  status(): ProjectionRunnerStatus {
    return this.currentStatus;
  }

  failure(): ProjectionFailure | undefined {
    return this.lastFailure;
  }

  /** The position of the last event applied, undefined before the first. */
  position(): GlobalPosition | undefined {
    return this.applied;
  }

  /**
   * Creates the projections' indexes and subscribes: from zero on a volatile store, otherwise after the
   * stored checkpoint (or from zero when a projection joined since that checkpoint was saved).
   */
  async start(): Promise<void> {
    if (this.currentStatus === 'running') {
      throw new Error(`projection runner ${this.name} is already running`);
    }
    this.currentStatus = 'running';
    this.lastFailure = undefined;
    await this.halt();
    await this.subscribe();
  }

  /** Stops delivery and waits for the event in flight; pending waitForPosition calls answer false. */
  async stop(): Promise<void> {
    await this.halt();
    if (this.currentStatus === 'running') this.currentStatus = 'stopped';
    this.waiters.abandon();
  }

  /** Empties the runner's collections and checkpoint, then replays every event from the start. */
  async rebuild(): Promise<void> {
    await this.halt();
    this.currentStatus = 'running';
    this.lastFailure = undefined;
    this.applied = undefined;
    const collections = new Set(this.options.projections.map((projection) => projection.collection));
    try {
      for (const collection of collections) {
        await this.options.readStore.collection(collection).deleteMany({});
      }
      await this.checkpoints.clear();
    } catch (error) {
      this.fail(new ProjectionEventError(undefined, error));
      throw error;
    }
    await this.subscribe();
  }

  /** True as soon as the event at `position` is applied; false on timeout or when the runner stops. */
  waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    if (this.applied !== undefined && this.applied >= position) return Promise.resolve(true);
    if (this.currentStatus !== 'running') return Promise.resolve(false);
    return this.waiters.wait(position, timeoutMs);
  }

  /** Waits until the runner has applied everything the store held when called. */
  async waitForHead(timeoutMs: number): Promise<boolean> {
    const head = await this.options.eventStore.headPosition();
    return head === undefined ? this.currentStatus === 'running' : this.waitForPosition(head, timeoutMs);
  }

  async lag(now: number = Date.now()): Promise<ProjectionLag> {
    const head = await this.options.eventStore.headPosition();
    const applied = this.applied;
    if (head === undefined || (applied !== undefined && applied >= head))
      return { head, applied, behindSeconds: 0 };
    const [oldest] = await this.options.eventStore.readAll({
      ...(applied === undefined ? {} : { fromPosition: applied }),
      limit: 1,
    });
    const waitedMs = oldest ? now - Date.parse(oldest.recordedAt) : 0;
    return { head, applied, behindSeconds: Math.max(0, waitedMs / 1000) };
  }

  private async subscribe(): Promise<void> {
    const generation = this.generation;
    let fromPosition: GlobalPosition | undefined;
    try {
      await this.createIndexes();
      fromPosition = await this.startingPosition();
    } catch (error) {
      this.fail(new ProjectionEventError(undefined, error));
      throw error;
    }
    // Stopped while preparing: subscribing now would leak a subscription nobody closes.
    if (generation !== this.generation) return;
    this.applied = fromPosition;
    this.options.logger.info('projection runner started', {
      runner: this.name,
      fromPosition: fromPosition === undefined ? null : Number(fromPosition),
    });
    this.subscription = this.options.eventStore.subscribeToAll({
      fromPosition,
      onEvent: (event) => this.deliver(event, generation),
      onError: (error) => {
        if (generation === this.generation && this.currentStatus === 'running') {
          this.fail(new ProjectionEventError(undefined, error));
        }
      },
    });
  }

  private async startingPosition(): Promise<GlobalPosition | undefined> {
    if (this.options.readStore.volatile) return undefined;
    const checkpoint = await this.checkpoints.load();
    if (checkpoint === undefined) return undefined;
    const joined = this.options.projections.filter((p) => !checkpoint.projections.includes(p.name));
    if (joined.length === 0) return checkpoint.position;
    // The position guards make the replay a no-op for the projections that already saw those events.
    this.options.logger.info('projections joined since the checkpoint: replaying from the start', {
      runner: this.name,
      projections: joined.map((projection) => projection.name),
    });
    return undefined;
  }

  private async createIndexes(): Promise<void> {
    for (const projection of this.options.projections) {
      const collection = this.options.readStore.collection(projection.collection);
      for (const index of projection.indexes ?? []) await collection.createIndex(index);
    }
  }

  private async halt(): Promise<void> {
    this.generation += 1;
    const subscription = this.subscription;
    this.subscription = undefined;
    try {
      await subscription?.close();
    } catch (error) {
      this.options.logger.warn('closing the projection subscription failed', { runner: this.name, error });
    }
    await this.inFlight;
  }

  private async deliver(event: RecordedEvent, generation: number): Promise<void> {
    if (generation !== this.generation || this.currentStatus !== 'running') return;
    if (this.applied !== undefined && event.position <= this.applied) return;
    const applying = this.applyRetryingStoreErrors(event, generation);
    this.inFlight = applying.then(
      () => undefined,
      () => undefined,
    );
    try {
      await applying;
    } catch (error) {
      const failure =
        error instanceof ProjectionEventError ? error : new ProjectionEventError(undefined, error);
      if (generation === this.generation) this.fail(failure, event);
      // Rethrown so the subscription stops for good: skipping the event would corrupt the read models.
      throw error;
    }
  }

  /**
   * A read store that is briefly unreachable (a MongoDB failover) must not stop the read models for good:
   * store errors are retried with capped backoff, holding the subscription on this event. Errors thrown by
   * a projection itself are not retried.
   */
  private async applyRetryingStoreErrors(event: RecordedEvent, generation: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.apply(event);
      } catch (error) {
        const cause = error instanceof ProjectionEventError ? error.cause : error;
        const permanent = cause instanceof ProjectionLogicError || cause instanceof DuplicateKeyError;
        if (permanent || generation !== this.generation) throw error;
        const delayMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
        this.options.logger.warn('read store write failed; retrying', {
          runner: this.name,
          eventType: event.type,
          position: Number(event.position),
          attempt: attempt + 1,
          delayMs,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (generation !== this.generation) throw error;
      }
    }
  }

  private async apply(event: RecordedEvent): Promise<void> {
    for (const projection of this.byEventType.get(event.type) ?? []) {
      try {
        await this.applyTo(projection, event);
      } catch (error) {
        throw new ProjectionEventError(projection.name, error);
      }
    }
    await this.checkpoints.save({
      position: event.position,
      projections: this.options.projections.map((projection) => projection.name),
    });
    this.applied = event.position;
    this.waiters.reached(event.position);
  }

  private async applyTo(projection: Projection<StoredDocument>, event: RecordedEvent): Promise<void> {
    const id = projection.documentId(event);
    if (id === null) return;
    const collection = this.options.readStore.collection<GuardedDocument>(projection.collection);
    const stored = await collection.findOne({ _id: id });
    if (stored !== null && alreadyApplied(stored, event)) return;
    let next: StoredDocument | null;
    try {
      next = projection.evolve(stored === null ? null : withoutGuard(stored), event);
    } catch (error) {
      throw new ProjectionLogicError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    if (next === null) {
      // A deleted document takes its guard with it; a replay after a crash may briefly re-create it,
      // until the replay reaches the same delete again.
      if (stored !== null) await collection.deleteOne({ _id: id });
      return;
    }
    if (next._id !== id) throw new ProjectionLogicError(`evolve returned _id ${next._id} for document ${id}`);
    await collection.replaceOne(
      { _id: id },
      { ...next, _position: event.position.toString() },
      { upsert: true },
    );
  }

  private fail(error: ProjectionEventError, event?: RecordedEvent): void {
    this.currentStatus = 'failed';
    this.lastFailure = {
      message: error.message,
      ...(error.projection === undefined ? {} : { projection: error.projection }),
      ...(event === undefined
        ? {}
        : {
            event: {
              streamName: event.streamName,
              type: event.type,
              revision: event.revision,
              position: event.position,
            },
          }),
    };
    this.options.logger.error('projection runner failed and stopped', {
      runner: this.name,
      projection: error.projection,
      streamName: event?.streamName,
      eventType: event?.type,
      eventId: event?.id,
      revision: event?.revision,
      // A number: a long decimal string could be mistaken for a card number by the log redaction.
      position: event === undefined ? undefined : Number(event.position),
      error: error.cause instanceof Error ? error.cause : error,
      stack: error.cause instanceof Error ? error.cause.stack : undefined,
    });
    this.waiters.abandon();
  }
}
