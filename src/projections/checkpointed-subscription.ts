import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  Subscription,
} from '../infrastructure/event-store/event-store';
import type { Checkpoint } from './projection-checkpoints';

/** Where a subscriber keeps its position: the read store, or a file of its own (see docs/decisions/0019). */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  clear(): Promise<void>;
}

export interface CheckpointedSubscriptionOptions {
  eventStore: EventStore;
  checkpoints: CheckpointStore;
  /** Stored with each checkpoint (the projections it fed); [] for other subscribers. */
  checkpointNames?: readonly string[];
  /**
   * Handles events in global order, all of them or throws. Must be idempotent: after a crash the events
   * since the last checkpoint come again.
   */
  handle: (events: readonly RecordedEvent[]) => Promise<void>;
  /** After each handled batch (its last position). */
  onApplied?: (position: GlobalPosition) => void;
  /** `handle` threw, or the store dropped the live subscription: delivery has stopped. */
  onFailure: (error: Error) => void;
  /** Events read and handled per batch while catching up. */
  batchSize?: number;
}

class SubscriptionStopped extends Error {
  override readonly name = 'SubscriptionStopped';
}

const DEFAULT_BATCH_SIZE = 2_000;

/** Lets timers and sockets run (a health probe, say) between two batches of a long catch-up. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A subscription to $all from a checkpoint, shared by the projector and the webhook dispatcher. It
 * catches up in batches (read a page, handle it, save the checkpoint, yield to the event loop), then
 * follows live events as the store hands them over (a page at a time from SQLite, one by one from
 * EventStoreDB). It never moves the checkpoint past an event not fully handled; a batch that fails is
 * handled again event by event, so a failure stops at the very event.
 */
export class CheckpointedSubscription {
  private applied: GlobalPosition | undefined;
  private live: Subscription | undefined;
  private generation = 0;
  private caughtUpOnce = false;
  private running: Promise<void> = Promise.resolve();
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: CheckpointedSubscriptionOptions) {}

  /** The position of the last event handled; undefined before the first. */
  position(): GlobalPosition | undefined {
    return this.applied;
  }

  /** True once the catch-up reached the head the store had when it began reading live. */
  caughtUp(): boolean {
    return this.caughtUpOnce;
  }

  /** Starts delivering events strictly after `fromPosition` (from the first event when undefined). */
  start(fromPosition: GlobalPosition | undefined): void {
    this.generation += 1;
    this.applied = fromPosition;
    this.caughtUpOnce = false;
    const generation = this.generation;
    this.running = this.catchUp(generation).catch((error: unknown) => this.failed(error, generation));
  }

  /** Stops delivery and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.generation += 1;
    const live = this.live;
    this.live = undefined;
    try {
      await live?.close();
    } finally {
      await this.running;
      await this.inFlight;
    }
  }

  private async catchUp(generation: number): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    for (;;) {
      if (generation !== this.generation) return;
      const page = await this.options.eventStore.readAll({
        ...(this.applied === undefined ? {} : { fromPosition: this.applied }),
        limit: batchSize,
      });
      if (page.length > 0) await this.deliver(page, generation);
      if (page.length < batchSize) break;
      await yieldToEventLoop();
    }
    if (generation !== this.generation) return;
    this.caughtUpOnce = true;
    this.live = this.options.eventStore.subscribeToAll({
      ...(this.applied === undefined ? {} : { fromPosition: this.applied }),
      onEvent: (event) => this.deliver([event], generation),
      onEvents: (events) => this.deliver(events, generation),
      onError: (error) => this.failed(error, generation),
    });
  }

  private async deliver(events: readonly RecordedEvent[], generation: number): Promise<void> {
    if (generation !== this.generation) throw new SubscriptionStopped();
    const applied = this.applied;
    const fresh = applied === undefined ? events : events.filter((event) => event.position > applied);
    const last = fresh.at(-1);
    if (last === undefined) return;
    const work = (async () => {
      await this.options.handle(fresh);
      await this.options.checkpoints.save({
        position: last.position,
        projections: [...(this.options.checkpointNames ?? [])],
      });
    })();
    this.inFlight = work.catch(() => undefined);
    try {
      await work;
    } catch (error) {
      // Split the batch, so the subscriber stops exactly at the event that fails, all before it applied.
      if (fresh.length === 1 || generation !== this.generation) throw error;
      for (const event of fresh) await this.deliver([event], generation);
      return;
    }
    if (generation !== this.generation) throw new SubscriptionStopped();
    this.applied = last.position;
    this.options.onApplied?.(last.position);
  }

  private failed(error: unknown, generation: number): void {
    if (generation !== this.generation || error instanceof SubscriptionStopped) return;
    this.generation += 1;
    const live = this.live;
    this.live = undefined;
    void live?.close().catch(() => undefined);
    this.options.onFailure(error instanceof Error ? error : new Error(String(error)));
  }
}
