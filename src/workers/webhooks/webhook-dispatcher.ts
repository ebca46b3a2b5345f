import { systemContext } from '../../commands/command-context';
import { deliveryIdFor } from '../../commands/webhooks/delivery-ids';
import type { ScheduleInput, WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
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
import {
  deliveryGroupJobsFor,
  deliveryJobFor,
  groupJobIdsFor,
  WEBHOOK_DELIVERY_QUEUE,
  type DeliveryJob,
  type GroupedFirstDelivery,
  type WebhookQueueJob,
} from './delivery-job';
import { SubscriptionIndex } from './subscription-index';
import { routeEvent } from './subscription-routing';

export const DISPATCHER_NAME = 'webhook-dispatcher';

/**
 * Planned deliveries are recorded together, and their jobs queued together, once there are this many (and
 * at the end of every batch of events, before the checkpoint moves): one SQLite transaction and one Redis
 * pipeline instead of one each per delivery (decision 0036), and their first attempts in group jobs
 * (decision 0039).
 */
const RECORD_IN_GROUPS_OF = 100;

type QueuedDelivery = EnqueuedJob<DeliveryJob>;

/** A delivery the dispatcher found for an event: to record, then queue; or a replay's job, to queue. */
type PlannedDelivery =
  { kind: 'schedule'; schedule: ScheduleInput; body: string } | { kind: 'ready'; job: QueuedDelivery };

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
   * Every delivery of the batch is recorded and queued before the checkpoint moves past it. Deliveries are
   * planned event by event (the routing index follows the events in order), then recorded together, up to
   * RECORD_IN_GROUPS_OF at a time: their appends share one SQLite transaction and one sync (decision 0036)
   * instead of one each, and their jobs one Redis pipeline. A group that fails is recorded and queued
   * again as a whole: a delivery already recorded is not recorded twice, an id already queued is a no-op.
   */
  private async dispatchAll(events: readonly RecordedEvent[], generation: number): Promise<void> {
    let planned: PlannedDelivery[] = [];
    const recordAndQueue = async () => {
      const group = planned;
      planned = [];
      if (group.length === 0) return;
      let jobs: EnqueuedJob<WebhookQueueJob>[] = [];
      await this.untilDone(generation, 'recording deliveries', async () => {
        jobs = await this.record(group);
      });
      if (jobs.length === 0) return;
      await this.untilDone(generation, 'queueing deliveries', () =>
        this.options.jobQueue.enqueueMany(WEBHOOK_DELIVERY_QUEUE, jobs),
      );
    };
    for (const event of events) {
      await this.untilDone(generation, event.id, async () => {
        planned.push(...(await this.plan(event)));
      });
      if (planned.length >= RECORD_IN_GROUPS_OF) await recordAndQueue();
    }
    await recordAndQueue();
  }

  /**
   * Records the group's deliveries at once and answers the jobs to queue: replays one job each, first
   * attempts in group jobs whose ids each delivery's scheduled event records (decision 0039). Every write
   * is awaited before a failure is thrown, so a retry never races a write of the failed try.
   */
  private async record(group: readonly PlannedDelivery[]): Promise<EnqueuedJob<WebhookQueueJob>[]> {
    const toSchedule = group.flatMap((planned) => (planned.kind === 'schedule' ? [planned] : []));
    const groupJobIds = groupJobIdsFor(toSchedule.map((planned) => planned.schedule.deliveryId));
    const settled = await Promise.allSettled(
      toSchedule.map((planned, i) => this.scheduled(planned, groupJobIds[i] as string)),
    );
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const jobs: EnqueuedJob<WebhookQueueJob>[] = group.flatMap((planned) =>
      planned.kind === 'ready' ? [planned.job] : [],
    );
    const grouped: GroupedFirstDelivery[] = [];
    for (const result of settled) {
      const first = result.status === 'fulfilled' ? result.value : null;
      if (first?.kind === 'group') grouped.push(first.grouped);
      else if (first?.kind === 'single') jobs.push(first.job);
    }
    return [...jobs, ...deliveryGroupJobsFor(grouped, this.options.schedule)];
  }

  /**
   * Records a planned delivery with the group job meant to attempt it first; answers that first attempt,
   * under the group id its record names, or null when the delivery is past its first attempt already. A
   * delivery recorded before groups existed keeps its job of its own, whose id its first queuing used.
   */
  private async scheduled(
    planned: Extract<PlannedDelivery, { kind: 'schedule' }>,
    groupJobId: string,
  ): Promise<
    { kind: 'group'; grouped: GroupedFirstDelivery } | { kind: 'single'; job: QueuedDelivery } | null
  > {
    const { schedule, body } = planned;
    const sourceEventId = schedule.source.eventId;
    const { state } = await this.options.deliveries.schedule(
      { ...schedule, firstAttemptJobId: groupJobId },
      systemContext(`dispatch-${sourceEventId}`, sourceEventId),
    );
    // Already attempted (a dispatcher replaying its subscription): the reconciler owns it from here.
    if (state.status !== 'pending' || state.round !== 0 || state.roundAttempts !== 0) return null;
    const { deliveryId, subscriptionId } = schedule;
    if (state.firstAttemptJobId === undefined) {
      const job = { deliveryId, subscriptionId, round: 0, attemptsBefore: 0, body };
      return { kind: 'single', job: deliveryJobFor(job, sourceEventId, this.options.schedule) };
    }
    return {
      kind: 'group',
      grouped: {
        jobId: state.firstAttemptJobId,
        delivery: { deliveryId, subscriptionId, sourceEventId, body },
      },
    };
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

  /** The event's deliveries, to be recorded (or, for a replay, a job ready to queue). */
  private async plan(event: RecordedEvent): Promise<PlannedDelivery[]> {
    this.index.apply(event);
    if (event.type === 'WebhookDeliveryReplayRequested') {
      return (await this.replayJob(event)).map((job) => ({ kind: 'ready', job }));
    }
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
    const subscriptions = this.index.forMerchant(publicEvent.merchantId);
    const body = publicEventBody(publicEvent);
    return routeEvent(subscriptions, publicEvent, event.position).map(({ subscriptionId, held }) => ({
      kind: 'schedule',
      body,
      schedule: {
        deliveryId: deliveryIdFor(event.id, subscriptionId),
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
    }));
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
