import { systemContext } from '../../commands/command-context';
import { deliveryIdFor } from '../../commands/webhooks/delivery-ids';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import { webhookDeliveryEventCodec } from '../../domain/webhook-delivery/webhook-delivery.events';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { EnqueuedJob, JobQueue } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import { CheckpointedSubscription, type CheckpointStore } from '../../projections/checkpointed-subscription';
import type { Checkpoint } from '../../projections/projection-checkpoints';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { WEBHOOK_SUBSCRIPTIONS } from '../../projections/webhooks/webhook-subscription.projection';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import { publicEventBody, type PublicEvent } from '../../public-events/public-event';
import { rebuildDeliveryBody } from './delivery-body';
import { deliveryJobFor, WEBHOOK_DELIVERY_QUEUE, type DeliveryJob } from './delivery-job';
import { SubscriptionIndex } from './subscription-index';
import { routeEvent } from './subscription-routing';

export const DISPATCHER_NAME = 'webhook-dispatcher';

/**
 * Jobs recorded but not yet queued are queued together once there are this many (and at the end of every
 * batch of events, before the checkpoint moves): one Redis pipeline instead of a round trip per job.
 */
const QUEUE_IN_BULKS_OF = 100;

type QueuedDelivery = EnqueuedJob<DeliveryJob>;

export interface WebhookDispatcherOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  /** Where the dispatcher's position is kept across restarts (Infrastructure.subscriberCheckpoints). */
  checkpoints: CheckpointStore;
  jobQueue: JobQueue;
  catalogue: PublicEventCatalogue;
  deliveries: WebhookDeliveryService;
  /** The subscriptions read model must have passed the checkpoint before it seeds the routing index. */
  freshness: ReadModelFreshness;
  logger: Logger;
  schedule: readonly number[];
  /**
   * Set when the projector shares this process's event loop: a dispatcher without a checkpoint reads the
   * whole history, and lets the read models (which readiness waits for) catch up first, for at most this
   * long. Webhooks never wait for readiness, so they lose nothing but that head start.
   */
  historyAfterReadModelsMs?: number;
  /** Backoff while the queue or a store is down: doubles from `minRetryMs` up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

class DispatcherStopped extends Error {
  override readonly name = 'DispatcherStopped';
}

/**
 * Fans public events out to subscriptions: a checkpointed subscription to $all that, per event, records
 * one delivery per matching subscription and queues one job for it. It never moves its checkpoint past an
 * event whose deliveries are not all recorded and queued: while Redis (or the event store) is down it
 * retries the same event, so nothing is lost, and the HTTP API, which never waits for it, keeps serving.
 * Replays (WebhookDeliveryReplayRequested) are queued the same way. Routing uses an in-memory index of
 * the subscriptions, so an event nobody subscribed to costs a map lookup.
 */
export class WebhookDispatcher {
  private readonly subscription: CheckpointedSubscription;
  private readonly index = new SubscriptionIndex();
  private generation = 0;
  private running = false;
  private wake: (() => void) | undefined;
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.subscription = new CheckpointedSubscription({
      eventStore: options.eventStore,
      checkpoints: options.checkpoints,
      handle: (events) => this.dispatchAll(events, this.generation),
      onFailure: (error) => this.resubscribeLater(error),
    });
  }

  /** The position of the last event fully dispatched. */
  position(): GlobalPosition | undefined {
    return this.subscription.position();
  }

  isRunning(): boolean {
    return this.running;
  }

  /**
   * Resolves at once: loading the checkpoint and seeding the routing index wait for the projector, which
   * may be catching up on a long history, and the API must not wait for that to listen.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error('the webhook dispatcher is already running');
    this.running = true;
    const generation = this.generation;
    this.starting = this.begin(generation).catch((error: unknown) => {
      if (!(error instanceof DispatcherStopped)) {
        this.running = false;
        this.options.logger.error('the webhook dispatcher could not start', { error });
      }
    });
  }

  async stop(): Promise<void> {
    this.generation += 1;
    this.running = false;
    this.wake?.();
    await this.starting;
    try {
      await this.subscription.stop();
    } catch (error) {
      this.options.logger.warn('closing the dispatcher subscription failed', { error });
    }
  }

  private async begin(generation: number): Promise<void> {
    let checkpoint: Checkpoint | undefined;
    await this.untilDone(generation, 'loading the checkpoint', async () => {
      checkpoint = await this.options.checkpoints.load();
    });
    if (checkpoint !== undefined) await this.seedIndex(checkpoint.position, generation);
    else await this.letReadModelsCatchUp(generation);
    if (generation !== this.generation) return;
    this.subscription.start(checkpoint?.position);
  }

  /**
   * From a checkpoint, the index needs every subscription as of that position: the read model has them
   * once it has passed it (later changes do no harm, routing keeps each subscription's history). From
   * zero, the dispatcher sees every subscription event itself.
   */
  private async seedIndex(position: GlobalPosition, generation: number): Promise<void> {
    await this.untilDone(generation, 'seeding the subscription index', async () => {
      if (!(await this.options.freshness.waitFor(position, 5_000))) {
        throw new Error('the webhook subscriptions read model has not reached the checkpoint yet');
      }
      const documents = await this.options.readStore
        .collection<WebhookSubscriptionDocument>(WEBHOOK_SUBSCRIPTIONS)
        .find({});
      this.index.seed(documents);
    });
  }

  private async letReadModelsCatchUp(generation: number): Promise<void> {
    const bound = this.options.historyAfterReadModelsMs;
    if (bound === undefined) return;
    let head: GlobalPosition | undefined;
    await this.untilDone(generation, 'reading the head position', async () => {
      head = await this.options.eventStore.headPosition();
    });
    if (head === undefined) return;
    const deadline = Date.now() + bound;
    // In slices, so a stop is not held up by the wait.
    while (generation === this.generation && Date.now() < deadline) {
      if (await this.options.freshness.waitFor(head, Math.min(1_000, bound))) return;
      // A projector that stopped answers at once: a timer between tries, not a loop of microtasks.
      await this.sleep(100);
    }
  }

  /** A dropped subscription (the store went away) is renewed from the last event fully dispatched. */
  private resubscribeLater(error: Error): void {
    const generation = this.generation;
    if (!this.running) return;
    this.options.logger.warn('webhook dispatcher subscription dropped; resubscribing', { error });
    const timer = setTimeout(() => {
      if (generation === this.generation) this.subscription.start(this.subscription.position());
    }, this.options.maxRetryMs ?? 5_000);
    timer.unref();
  }

  /**
   * Every delivery of the batch is recorded and queued before the checkpoint moves past it; jobs are queued
   * in bulks. A failed bulk is queued again as a whole (ids already queued are no-ops).
   */
  private async dispatchAll(events: readonly RecordedEvent[], generation: number): Promise<void> {
    let toQueue: QueuedDelivery[] = [];
    const queueAll = async () => {
      const jobs = toQueue;
      toQueue = [];
      if (jobs.length === 0) return;
      await this.untilDone(generation, 'queueing deliveries', () =>
        this.options.jobQueue.enqueueMany(WEBHOOK_DELIVERY_QUEUE, jobs),
      );
    };
    for (const event of events) {
      await this.untilDone(generation, event.id, async () => {
        toQueue.push(...(await this.dispatch(event)));
      });
      if (toQueue.length >= QUEUE_IN_BULKS_OF) await queueAll();
    }
    await queueAll();
  }

  /** Retries `work` until it succeeds or the dispatcher stops: skipping the event would lose its webhooks. */
  private async untilDone(generation: number, what: string, work: () => Promise<void>): Promise<void> {
    const min = this.options.minRetryMs ?? 100;
    const max = this.options.maxRetryMs ?? 5_000;
    for (let failures = 0; ; failures += 1) {
      if (generation !== this.generation) throw new DispatcherStopped();
      try {
        await work();
        if (failures > 0) this.options.logger.info('webhook dispatch resumed', { what, failures });
        return;
      } catch (error) {
        if (generation !== this.generation) throw new DispatcherStopped();
        // Logged at powers of two: an outage of hours stays a handful of lines.
        if ((failures & (failures + 1)) === 0) {
          this.options.logger.warn('webhook dispatch failed; retrying', {
            what,
            failures: failures + 1,
            error,
          });
        }
        await this.sleep(Math.min(max, min * 2 ** Math.min(failures, 16)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Records the event's deliveries; answers the jobs to queue for them. */
  private async dispatch(event: RecordedEvent): Promise<QueuedDelivery[]> {
    this.index.apply(event);
    if (event.type === 'WebhookDeliveryReplayRequested') return this.replayJob(event);
    const { catalogue } = this.options;
    const mapped = catalogue.publicTypeOf(event.type);
    if (!mapped || !this.index.couldWant(mapped.publicType, mapped.targeted)) return [];
    const history = !catalogue.needsHistory(event.type)
      ? []
      : event.revision === 0
        ? [event]
        : (await this.options.eventStore.readStream(event.streamName)).slice(0, event.revision + 1);
    const publicEvent = this.toPublicEvent(event, history);
    if (!publicEvent) return [];
    const jobs: QueuedDelivery[] = [];
    const subscriptions = this.index.forMerchant(publicEvent.merchantId);
    const body = publicEventBody(publicEvent);
    for (const { subscriptionId, held } of routeEvent(subscriptions, publicEvent, event.position)) {
      const deliveryId = deliveryIdFor(event.id, subscriptionId);
      const { state } = await this.options.deliveries.schedule(
        {
          deliveryId,
          subscriptionId,
          merchantId: publicEvent.merchantId,
          eventId: publicEvent.id,
          eventType: publicEvent.type,
          source: {
            eventId: event.id,
            streamName: event.streamName,
            revision: event.revision,
            position: event.position.toString(),
          },
          held,
        },
        systemContext(`dispatch-${event.id}`, event.id),
      );
      // Already attempted (a dispatcher replaying its subscription): the reconciler owns it from here.
      if (state.status !== 'pending' || state.round !== 0 || state.roundAttempts !== 0) continue;
      jobs.push(
        deliveryJobFor(
          { deliveryId, subscriptionId, round: 0, attemptsBefore: 0, body },
          event.id,
          this.options.schedule,
        ),
      );
    }
    return jobs;
  }

  /** A mapping that throws is a bug in one event type: logged and skipped, not a stall of every webhook. */
  private toPublicEvent(event: RecordedEvent, history: readonly RecordedEvent[]): PublicEvent | null {
    try {
      return this.options.catalogue.toPublicEvent(event, history);
    } catch (error) {
      this.options.logger.error('could not build the public event; no webhooks for it', {
        eventId: event.id,
        eventType: event.type,
        streamName: event.streamName,
        error,
      });
      return null;
    }
  }

  private async replayJob(recorded: RecordedEvent): Promise<QueuedDelivery[]> {
    const event = webhookDeliveryEventCodec.parse(recorded);
    if (event.type !== 'WebhookDeliveryReplayRequested') return [];
    const state = await this.options.deliveries.load(event.data.deliveryId);
    if (state.status !== 'pending' || state.round !== event.data.round || state.roundAttempts !== 0)
      return [];
    const body = await rebuildDeliveryBody(this.options.eventStore, this.options.catalogue, state.source);
    if (body === null) {
      this.options.logger.error('cannot replay a delivery whose event is gone', {
        deliveryId: state.deliveryId,
      });
      return [];
    }
    return [
      deliveryJobFor(
        {
          deliveryId: state.deliveryId,
          subscriptionId: state.subscriptionId,
          round: state.round,
          attemptsBefore: 0,
          body,
        },
        state.source.eventId,
        this.options.schedule,
      ),
    ];
  }
}
