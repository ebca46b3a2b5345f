import { systemContext } from '../../commands/command-context';
import { deliveryIdFor } from '../../commands/webhooks/delivery-ids';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import { webhookDeliveryEventCodec } from '../../domain/webhook-delivery/webhook-delivery.events';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  Subscription,
} from '../../infrastructure/event-store/event-store';
import type { JobQueue } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import { ProjectionCheckpoints } from '../../projections/projection-checkpoints';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { WEBHOOK_SUBSCRIPTIONS } from '../../projections/webhooks/webhook-subscription.projection';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import { publicEventBody, type PublicEvent } from '../../public-events/public-event';
import { rebuildDeliveryBody } from './delivery-body';
import { enqueueDelivery } from './delivery-job';
import { routeEvent } from './subscription-routing';

export const DISPATCHER_NAME = 'webhook-dispatcher';

export interface WebhookDispatcherOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  catalogue: PublicEventCatalogue;
  deliveries: WebhookDeliveryService;
  /** The subscriptions read model must have passed an event before it is routed. */
  freshness: ReadModelFreshness;
  logger: Logger;
  schedule: readonly number[];
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
 * Replays (WebhookDeliveryReplayRequested) are queued the same way.
 */
export class WebhookDispatcher {
  private readonly checkpoints: ProjectionCheckpoints;
  private subscription: Subscription | undefined;
  private generation = 0;
  private running = false;
  private applied: GlobalPosition | undefined;
  private wake: (() => void) | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.checkpoints = new ProjectionCheckpoints(options.readStore, DISPATCHER_NAME);
  }

  /** The position of the last event fully dispatched. */
  position(): GlobalPosition | undefined {
    return this.applied;
  }

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('the webhook dispatcher is already running');
    this.running = true;
    const generation = this.generation;
    // A volatile read store forgets the checkpoint: start from zero; deterministic delivery ids make the
    // deliveries already recorded no-ops.
    const checkpoint = this.options.readStore.volatile ? undefined : await this.checkpoints.load();
    this.applied = checkpoint?.position;
    if (generation !== this.generation) return;
    this.subscribe(generation);
  }

  /** From the last event fully dispatched; a dropped subscription (the store went away) is renewed. */
  private subscribe(generation: number): void {
    this.subscription = this.options.eventStore.subscribeToAll({
      fromPosition: this.applied,
      onEvent: (event) => this.deliver(event, generation),
      onError: (error) => {
        if (generation !== this.generation || error instanceof DispatcherStopped) return;
        this.options.logger.warn('webhook dispatcher subscription dropped; resubscribing', { error });
        const timer = setTimeout(() => {
          if (generation === this.generation) this.subscribe(generation);
        }, this.options.maxRetryMs ?? 5_000);
        timer.unref();
      },
    });
  }

  async stop(): Promise<void> {
    this.generation += 1;
    this.running = false;
    this.wake?.();
    const subscription = this.subscription;
    this.subscription = undefined;
    try {
      await subscription?.close();
    } catch (error) {
      this.options.logger.warn('closing the dispatcher subscription failed', { error });
    }
    await this.inFlight;
  }

  private async deliver(event: RecordedEvent, generation: number): Promise<void> {
    if (generation !== this.generation) throw new DispatcherStopped();
    if (this.applied !== undefined && event.position <= this.applied) return;
    const work = this.untilDone(generation, event, async () => {
      await this.dispatch(event);
      await this.checkpoints.save({ position: event.position, projections: [] });
    });
    this.inFlight = work.catch(() => undefined);
    await work;
    this.applied = event.position;
  }

  /** Retries `work` until it succeeds or the dispatcher stops: skipping the event would lose its webhooks. */
  private async untilDone(
    generation: number,
    event: RecordedEvent,
    work: () => Promise<void>,
  ): Promise<void> {
    const min = this.options.minRetryMs ?? 100;
    const max = this.options.maxRetryMs ?? 5_000;
    for (let failures = 0; ; failures += 1) {
      if (generation !== this.generation) throw new DispatcherStopped();
      try {
        await work();
        if (failures > 0)
          this.options.logger.info('webhook dispatch resumed', { eventId: event.id, failures });
        return;
      } catch (error) {
        if (generation !== this.generation) throw new DispatcherStopped();
        // Logged at powers of two: an outage of hours stays a handful of lines.
        if ((failures & (failures + 1)) === 0) {
          this.options.logger.warn('webhook dispatch failed; retrying', {
            eventId: event.id,
            eventType: event.type,
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

  private async dispatch(event: RecordedEvent): Promise<void> {
    if (event.type === 'WebhookDeliveryReplayRequested') return this.queueReplay(event);
    const { catalogue } = this.options;
    if (!catalogue.handles(event.type)) return;
    const history = catalogue.needsHistory(event.type)
      ? (await this.options.eventStore.readStream(event.streamName)).slice(0, event.revision + 1)
      : [];
    const publicEvent = this.toPublicEvent(event, history);
    if (!publicEvent) return;
    if (!(await this.options.freshness.waitFor(event.position, 5_000))) {
      throw new Error('the webhook subscriptions read model has not reached the event yet');
    }
    const subscriptions = await this.options.readStore
      .collection<WebhookSubscriptionDocument>(WEBHOOK_SUBSCRIPTIONS)
      .find({ merchantId: publicEvent.merchantId });
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
      await enqueueDelivery(
        this.options.jobQueue,
        { deliveryId, subscriptionId, round: 0, attemptsBefore: 0, body },
        event.id,
        this.options.schedule,
      );
    }
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

  private async queueReplay(recorded: RecordedEvent): Promise<void> {
    const event = webhookDeliveryEventCodec.parse(recorded);
    if (event.type !== 'WebhookDeliveryReplayRequested') return;
    const state = await this.options.deliveries.load(event.data.deliveryId);
    if (state.status !== 'pending' || state.round !== event.data.round || state.roundAttempts !== 0) return;
    const body = await rebuildDeliveryBody(this.options.eventStore, this.options.catalogue, state.source);
    if (body === null) {
      this.options.logger.error('cannot replay a delivery whose event is gone', {
        deliveryId: state.deliveryId,
      });
      return;
    }
    await enqueueDelivery(
      this.options.jobQueue,
      {
        deliveryId: state.deliveryId,
        subscriptionId: state.subscriptionId,
        round: state.round,
        attemptsBefore: 0,
        body,
      },
      state.source.eventId,
      this.options.schedule,
    );
  }
}
