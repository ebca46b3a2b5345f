import type { Clock } from '../../infrastructure/clock';
import { runPeriodically } from '../run-periodically';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { JobQueue } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { WebhookDeliveryDocument } from '../../projections/webhooks/webhook-delivery.document';
import { WEBHOOK_DELIVERIES } from '../../projections/webhooks/webhook-delivery.projection';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import { rebuildDeliveryBody } from './delivery-body';
import { enqueueDelivery } from './delivery-job';

const BATCH = 500;

export interface ReconcilerDeps {
  readStore: ReadStore;
  eventStore: EventStore;
  jobQueue: JobQueue;
  catalogue: PublicEventCatalogue;
  clock: Clock;
  logger: Logger;
  schedule: readonly number[];
  intervalMs: number;
  /** How long past its due time a pending delivery may go unattempted before it is queued again. */
  graceMs: number;
}

/**
 * The queue is not the record: the delivery streams are. Jobs vanish when Redis loses its data (or, on
 * the embedded default, when the process restarts), so this sweep finds pending deliveries that are
 * overdue and queues them again, resuming the schedule after the attempts already recorded. The job id
 * names the attempt it resumes from, and the worker skips a job whose attempt was already made, so a job
 * that was merely late costs one duplicate job, never a duplicate attempt record.
 */
export const reconcileDeliveries = async (deps: ReconcilerDeps): Promise<number> => {
  const now = deps.clock.now().getTime();
  const overdue = await deps.readStore
    .collection<WebhookDeliveryDocument>(WEBHOOK_DELIVERIES)
    .find(
      { status: 'pending', nextAttemptAt: { $lte: new Date(now - deps.graceMs).toISOString() } },
      { limit: BATCH, sort: { nextAttemptAt: 1 } },
    );
  let queued = 0;
  for (const delivery of overdue) {
    const body = await rebuildDeliveryBody(deps.eventStore, deps.catalogue, delivery.source);
    if (body === null) {
      deps.logger.error('a pending delivery names an event that is gone', { deliveryId: delivery.id });
      continue;
    }
    await enqueueDelivery(
      deps.jobQueue,
      {
        deliveryId: delivery.id,
        subscriptionId: delivery.subscriptionId,
        round: delivery.round,
        attemptsBefore: delivery.roundAttempts,
        body,
      },
      delivery.source.eventId,
      deps.schedule,
    );
    queued += 1;
  }
  return queued;
};

export const startDeliveryReconciler = (deps: ReconcilerDeps): { close: () => Promise<void> } =>
  runPeriodically('webhook delivery reconciliation', deps.intervalMs, deps.logger, () =>
    reconcileDeliveries(deps),
  );
