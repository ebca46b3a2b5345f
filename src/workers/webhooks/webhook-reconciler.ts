import type { Clock } from '../../infrastructure/clock';
import { runPeriodically } from '../run-periodically';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { EnqueuedJob, JobQueue, JobState } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { WebhookDeliveryDocument } from '../../projections/webhooks/webhook-delivery.document';
import { WEBHOOK_DELIVERIES } from '../../projections/webhooks/webhook-delivery.projection';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import { rebuildDeliveryBody } from './delivery-body';
import { deliveryJobFor, WEBHOOK_DELIVERY_QUEUE, type DeliveryJob } from './delivery-job';

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
 * overdue and queues them again, resuming the schedule after the attempts already recorded; the job id
 * names the attempt it resumes from, so a job merely late is not queued twice. A first attempt belongs to
 * the group job its delivery recorded (decision 0039): while that job waits or runs, a long queue is all
 * that is late, and the delivery is left to it. Once the group is gone (finished, failed or lost), the
 * delivery goes on in a job of its own. The worker skips a job whose attempt was already made, so a
 * job queued late costs one duplicate job, never a duplicate send.
 */
export const reconcileDeliveries = async (deps: ReconcilerDeps): Promise<number> => {
  const now = deps.clock.now().getTime();
  const overdue = await deps.readStore
    .collection<WebhookDeliveryDocument>(WEBHOOK_DELIVERIES)
    .find(
      { status: 'pending', nextAttemptAt: { $lte: new Date(now - deps.graceMs).toISOString() } },
      { limit: BATCH, sort: { nextAttemptAt: 1 } },
    );
  const groupStates = new Map<string, Promise<JobState | undefined>>();
  const groupStillQueued = async (jobId: string): Promise<boolean> => {
    let state = groupStates.get(jobId);
    if (!state) {
      state = deps.jobQueue.jobState(WEBHOOK_DELIVERY_QUEUE, jobId);
      groupStates.set(jobId, state);
    }
    const current = await state;
    return current === 'waiting' || current === 'active' || current === 'delayed';
  };

  const jobs: EnqueuedJob<DeliveryJob>[] = [];
  for (const delivery of overdue) {
    const { id: deliveryId, subscriptionId, round, roundAttempts, firstAttemptJobId } = delivery;
    const firstAttempt = round === 0 && roundAttempts === 0;
    if (firstAttempt && firstAttemptJobId && (await groupStillQueued(firstAttemptJobId))) continue;
    const body = await rebuildDeliveryBody(deps.eventStore, deps.catalogue, delivery.source);
    if (body === null) {
      deps.logger.error('a pending delivery names an event that is gone', { deliveryId });
      continue;
    }
    jobs.push(
      deliveryJobFor(
        { deliveryId, subscriptionId, round, attemptsBefore: roundAttempts, body },
        delivery.source.eventId,
        deps.schedule,
      ),
    );
  }
  if (jobs.length > 0) await deps.jobQueue.enqueueMany(WEBHOOK_DELIVERY_QUEUE, jobs);
  return jobs.length;
};

export const startDeliveryReconciler = (deps: ReconcilerDeps): { close: () => Promise<void> } =>
  runPeriodically('webhook delivery reconciliation', deps.intervalMs, deps.logger, () =>
    reconcileDeliveries(deps),
  );
