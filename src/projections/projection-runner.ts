import type { EventStore, GlobalPosition, RecordedEvent } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import {
  DuplicateKeyError,
  type ReadStore,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import { CHECKPOINTS_COLLECTION, ProjectionCheckpoints } from './projection-checkpoints';
import type { Projection } from './projection';
import { PositionWaiters } from './position-waiters';
import {
  applyProjections,
  ProjectionEventError,
  ProjectionLogicError,
  projectionsByEventType,
  type ProjectionsByEventType,
} from './apply-projections';
import { CheckpointedSubscription } from './checkpointed-subscription';

export type ProjectionRunnerStatus = 'running' | 'stopped' | 'failed';

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection<StoredDocument>[];
  logger: Logger;
  /** Names the runner's checkpoint; runners sharing a read store need different names. */
  name?: string;
  /** Events applied per batch while catching up. */
  batchSize?: number;
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

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Feeds projections from the event store's $all, in order, through a checkpointed subscription: batches
 * while catching up (yielding to the event loop between them, so the API answers during a long rebuild),
 * then live events as the store hands them over. Each document carries the position of the last event applied to it
 * (`_position`), so a replay or a duplicate delivery changes nothing, even when the checkpoint lags the
 * documents after a crash.
 */
export class ProjectionRunner {
  private readonly name: string;
  private readonly byEventType: ProjectionsByEventType;
  private readonly checkpoints: ProjectionCheckpoints;
  private readonly waiters = new PositionWaiters();
  private readonly subscription: CheckpointedSubscription;
  private currentStatus: ProjectionRunnerStatus = 'stopped';
  private lastFailure: ProjectionFailure | undefined;
  /** Bumped on every stop, so a retry loop of an older start gives up. */
  private generation = 0;

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
    }
    this.byEventType = projectionsByEventType(options.projections);
    this.subscription = new CheckpointedSubscription({
      eventStore: options.eventStore,
      checkpoints: this.checkpoints,
      checkpointNames: options.projections.map((projection) => projection.name),
      handle: (events) => this.applyRetryingStoreErrors(events, this.generation),
      onApplied: (position) => this.waiters.reached(position),
      onFailure: (error) => {
        if (this.currentStatus !== 'running') return;
        const failure =
          error instanceof ProjectionEventError ? error : new ProjectionEventError(undefined, error);
        this.fail(failure, failure.event);
      },
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
  }

  status(): ProjectionRunnerStatus {
    return this.currentStatus;
  }

  failure(): ProjectionFailure | undefined {
    return this.lastFailure;
  }

  /** The position of the last event applied, undefined before the first. */
  position(): GlobalPosition | undefined {
    return this.subscription.position();
  }

  /** True once the runner has caught up with the history it found at start: the API is then ready. */
  caughtUp(): boolean {
    return this.currentStatus === 'running' && this.subscription.caughtUp();
  }

  /**
   * Creates the projections' indexes and subscribes: from zero on a volatile store, otherwise after the
   * stored checkpoint (or from zero when a projection joined since that checkpoint was saved). Resolves
   * once subscribed; the catch-up goes on in the background (see `caughtUp`, `waitForHead`).
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

  /** Stops delivery and waits for the batch in flight; pending waitForPosition calls answer false. */
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
    await this.subscribe(true);
  }

  /** True as soon as the event at `position` is applied; false on timeout or when the runner stops. */
  waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const applied = this.position();
    if (applied !== undefined && applied >= position) return Promise.resolve(true);
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
    const applied = this.position();
    if (head === undefined || (applied !== undefined && applied >= head))
      return { head, applied, behindSeconds: 0 };
    const [oldest] = await this.options.eventStore.readAll({
      ...(applied === undefined ? {} : { fromPosition: applied }),
      limit: 1,
    });
    const waitedMs = oldest ? now - Date.parse(oldest.recordedAt) : 0;
    return { head, applied, behindSeconds: Math.max(0, waitedMs / 1000) };
  }

  private async subscribe(fromZero = false): Promise<void> {
    const generation = this.generation;
    let fromPosition: GlobalPosition | undefined;
    try {
      await this.createIndexes();
      fromPosition = fromZero ? undefined : await this.startingPosition();
    } catch (error) {
      this.fail(new ProjectionEventError(undefined, error));
      throw error;
    }
    // Stopped while preparing: subscribing now would leak a subscription nobody closes.
    if (generation !== this.generation) return;
    this.options.logger.info('projection runner started', {
      runner: this.name,
      fromPosition: fromPosition === undefined ? null : Number(fromPosition),
    });
    this.subscription.start(fromPosition);
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
    try {
      await this.subscription.stop();
    } catch (error) {
      this.options.logger.warn('closing the projection subscription failed', { runner: this.name, error });
    }
  }

  /**
   * A read store that is briefly unreachable (a MongoDB failover) must not stop the read models for good:
   * store errors are retried with capped backoff, holding the subscription on this batch. Errors thrown by
   * a projection itself are not retried (the subscription then applies the batch again one event at a
   * time, which also settles a unique key that a document gives up later in the batch than another takes it).
   */
  private async applyRetryingStoreErrors(
    events: readonly RecordedEvent[],
    generation: number,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await applyProjections(this.options.readStore, this.byEventType, events);
      } catch (error) {
        const cause = error instanceof ProjectionEventError ? error.cause : error;
        const permanent = cause instanceof ProjectionLogicError || cause instanceof DuplicateKeyError;
        if (permanent || generation !== this.generation) {
          throw error instanceof ProjectionEventError && error.event === undefined && events.length === 1
            ? new ProjectionEventError(error.projection, error.cause, events[0])
            : error;
        }
        const delayMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
        this.options.logger.warn('read store write failed; retrying', {
          runner: this.name,
          events: events.length,
          position: Number(events[0]?.position),
          attempt: attempt + 1,
          delayMs,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (generation !== this.generation) throw error;
      }
    }
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
