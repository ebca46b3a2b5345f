import { systemContext } from '../../commands/command-context';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import type { WebhookSubscriptionService } from '../../commands/webhooks/webhook-subscription.service';
import type { WebhookDeliveryState } from '../../domain/webhook-delivery/webhook-delivery.state';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { Job, JobQueue, QueueWorker } from '../../infrastructure/job-queue/job-queue';
import { RetryAfterError } from '../../infrastructure/job-queue/job-queue-errors';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { SecretBox } from '../../webhooks/secret-box';
import type { WebhookSender } from '../../webhooks/webhook-sender';
import { ConcurrencyLimit } from '../concurrency-limit';
import { attemptDelivery, failureMessage } from './delivery-attempt';
import { processDeliveryGroup } from './delivery-group';
import {
  isDeliveryGroup,
  WEBHOOK_DELIVERY_QUEUE,
  type DeliveryJob,
  type WebhookQueueJob,
} from './delivery-job';
import { SubscriptionStates } from './subscription-states';
import type { WebhookMetrics } from './webhook-metrics';

export interface DeliveryWorkerDeps {
  jobQueue: JobQueue;
  eventStore: EventStore;
  readStore: ReadStore;
  clock: Clock;
  logger: Logger;
  deliveries: WebhookDeliveryService;
  subscriptions: WebhookSubscriptionService;
  secretBox: SecretBox;
  sender: WebhookSender;
  schedule: readonly number[];
  disableAfterMs: number;
  /** Webhooks this process sends at once, whether they come one per job or in groups. */
  concurrency: number;
  metrics?: WebhookMetrics;
  /** Kept across jobs by `startDeliveryWorker`; without it each job folds the subscription afresh. */
  subscriptionStates?: SubscriptionStates;
  /** Shared by every job of `startDeliveryWorker`; without it each job has `concurrency` sends of its own. */
  sendSlots?: ConcurrencyLimit;
}

/** The last attempt of a round failed: the queue records the job as failed. */
export class DeliveryExhaustedError extends Error {
  override readonly name = 'DeliveryExhaustedError';
}

/**
 * One job is one delivery (an event to a subscription); each run is one attempt. The attempt is recorded
 * in the delivery's stream before the job settles, so the deliveries endpoint shows every attempt, and
 * the queue's retry policy (the rest of the schedule) or Retry-After decides when the next one runs.
 */
export const processDeliveryJob = async (deps: DeliveryWorkerDeps, job: Job<DeliveryJob>): Promise<void> => {
  const { deliveryId, round, attemptsBefore } = job.data;
  const context = systemContext(`job-${job.id}`);
  const delivery = await deps.deliveries.loadForAttempt(deliveryId);
  if (delivery.status !== 'pending' || delivery.round !== round) return;
  const turn = await groupsTurn(deps, job.data, delivery);
  if (turn === 'done') return;
  if (turn === 'wait') {
    throw new RetryAfterError(
      `the first attempt of ${deliveryId} is its group's to make`,
      GROUP_CHECK_AGAIN_MS,
    );
  }
  // The delivery's record is ahead of this job: another job (a duplicate, or one the reconciler queued)
  // made this attempt already. A record behind the job (runs that failed before sending) just goes on.
  if (delivery.roundAttempts > attemptsBefore + job.attempt - 1) return;

  const states = deps.subscriptionStates ?? new SubscriptionStates(deps.eventStore, deps.secretBox);
  const sendSlots = deps.sendSlots ?? new ConcurrencyLimit(deps.concurrency);
  const made = await attemptDelivery(
    { ...deps, sendSlots },
    states,
    job.data,
    delivery.roundAttempts,
    context,
  );
  if (made.kind === 'canceled') return;
  const { verdict } = made;
  if (verdict.kind === 'exhausted') {
    throw new DeliveryExhaustedError(`delivery ${deliveryId} failed on its last attempt (${made.attempt})`);
  }
  if (verdict.kind === 'retry') {
    const message = failureMessage(deliveryId, made);
    throw verdict.retryAfter ? new RetryAfterError(message, verdict.delayMs) : new Error(message);
  }
};

/** How long a single job for a first attempt waits while the delivery's group job may still make it. */
export const GROUP_CHECK_AGAIN_MS = 60_000;

/**
 * A delivery's first attempt is its group job's (decision 0039), and its later attempts the continuation
 * jobs the group queues. A single job for the first attempt (the reconciler's, queued in the moment before
 * a restarted dispatcher queued the group again) must not race the group: while the group waits or runs,
 * the single job checks again later; once the group has finished, it stands down. Only when the group
 * failed or was lost does the single job make the attempts itself.
 */
const groupsTurn = async (
  deps: DeliveryWorkerDeps,
  job: DeliveryJob,
  delivery: WebhookDeliveryState,
): Promise<'wait' | 'done' | 'mine'> => {
  if (delivery.status !== 'pending' || delivery.firstAttemptJobId === undefined) return 'mine';
  if (job.round !== 0 || job.attemptsBefore !== 0) return 'mine';
  const group = await deps.jobQueue.jobState(WEBHOOK_DELIVERY_QUEUE, delivery.firstAttemptJobId);
  if (group === 'waiting' || group === 'delayed' || group === 'active') return 'wait';
  return group === 'completed' && delivery.roundAttempts > 0 ? 'done' : 'mine';
};

/**
 * Closing stops the sends that have not started (their jobs fail and run again after a restart, their
 * attempts not made) and waits for the ones in flight to be answered and recorded: a shutdown waits at
 * most about one webhook timeout, however many deliveries the active group jobs still hold.
 */
export const startDeliveryWorker = (deps: DeliveryWorkerDeps): QueueWorker => {
  const sendSlots = deps.sendSlots ?? new ConcurrencyLimit(deps.concurrency);
  const shared: DeliveryWorkerDeps = {
    ...deps,
    subscriptionStates: deps.subscriptionStates ?? new SubscriptionStates(deps.eventStore, deps.secretBox),
    sendSlots,
  };
  const worker = deps.jobQueue.process<WebhookQueueJob>(
    WEBHOOK_DELIVERY_QUEUE,
    (job) =>
      isDeliveryGroup(job.data)
        ? processDeliveryGroup(shared, { ...job, data: job.data })
        : processDeliveryJob(shared, { ...job, data: job.data as DeliveryJob }),
    {
      concurrency: deps.concurrency,
      onFailed: (job, error) => {
        if (error instanceof DeliveryExhaustedError) return;
        deps.logger.warn('webhook delivery job gave up', { jobId: job.id, error: error.message });
      },
    },
  );
  return {
    close: async () => {
      sendSlots.close();
      await worker.close();
    },
  };
};
