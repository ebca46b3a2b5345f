import { systemContext } from '../../commands/command-context';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import type { WebhookSubscriptionService } from '../../commands/webhooks/webhook-subscription.service';
import { signingSecrets } from '../../domain/webhook-subscription/webhook-subscription.state';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { Job, JobQueue, QueueWorker } from '../../infrastructure/job-queue/job-queue';
import { RetryAfterError } from '../../infrastructure/job-queue/job-queue-errors';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { WEBHOOK_SUBSCRIPTIONS } from '../../projections/webhooks/webhook-subscription.projection';
import type { SecretBox } from '../../webhooks/secret-box';
import { webhookHeaders } from '../../webhooks/signature';
import type { WebhookSender } from '../../webhooks/webhook-sender';
import { WEBHOOK_DELIVERY_QUEUE, type DeliveryJob } from './delivery-job';
import { isSuccess, judgeAttempt } from './delivery-outcome';
import { SubscriptionStates } from './subscription-states';
import type { DeliveryOutcome, WebhookMetrics } from './webhook-metrics';

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
  concurrency: number;
  metrics?: WebhookMetrics;
  /** Kept across jobs by `startDeliveryWorker`; without it each job folds the subscription afresh. */
  subscriptionStates?: SubscriptionStates;
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
  const { deliveryId, subscriptionId, round, attemptsBefore, body } = job.data;
  const context = systemContext(`job-${job.id}`);
  const delivery = await deps.deliveries.loadForAttempt(deliveryId);
  if (delivery.status !== 'pending' || delivery.round !== round) return;
  // The delivery's record is ahead of this job: another job (a duplicate, or one the reconciler queued)
  // made this attempt already. A record behind the job (runs that failed before sending) just goes on.
  if (delivery.roundAttempts > attemptsBefore + job.attempt - 1) return;

  const states = deps.subscriptionStates ?? new SubscriptionStates(deps.eventStore, deps.secretBox);
  const subscription = await states.load(subscriptionId);
  if (subscription.status !== 'active') {
    const reason = subscription.status === 'disabled' ? 'subscription_disabled' : 'subscription_deactivated';
    await deps.deliveries.cancel(deliveryId, round, reason, context);
    return;
  }

  const attemptedAt = deps.clock.now();
  const secrets = signingSecrets(subscription, attemptedAt.toISOString()).map((secret) =>
    states.decrypt(secret, subscriptionId),
  );
  const headers = webhookHeaders(secrets, {
    id: deliveryId,
    timestamp: Math.floor(attemptedAt.getTime() / 1000),
    body,
  });
  const result = await deps.sender.post({ url: subscription.url, headers, body });

  const attempt = delivery.roundAttempts + 1;
  // Only a failure is judged by the subscription's delivery health.
  const health = isSuccess(result.statusCode)
    ? null
    : await deps.readStore
        .collection<WebhookSubscriptionDocument>(WEBHOOK_SUBSCRIPTIONS)
        .findOne({ _id: subscriptionId });
  const verdict = judgeAttempt({
    result,
    attempt,
    schedule: deps.schedule,
    attemptedAt,
    failingSince: health?.deliveryHealth.failingSince ?? null,
    disableAfterMs: deps.disableAfterMs,
  });
  const outcome: DeliveryOutcome =
    verdict.kind === 'succeeded'
      ? 'succeeded'
      : verdict.kind === 'gone'
        ? 'gone'
        : result.statusCode === null
          ? 'no_answer'
          : 'failed';
  deps.metrics?.observe(outcome, result.latencyMs);

  await deps.deliveries.recordAttempt(
    deliveryId,
    {
      round,
      attempt,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
      succeeded: verdict.kind === 'succeeded',
      nextAttemptAt:
        verdict.kind === 'retry' ? new Date(attemptedAt.getTime() + verdict.delayMs).toISOString() : null,
    },
    attemptedAt.toISOString(),
    context,
  );

  switch (verdict.kind) {
    case 'succeeded':
      return;
    case 'gone':
      await deps.subscriptions.disable(
        subscriptionId,
        'endpoint_gone',
        'the endpoint answered 410 Gone',
        context,
      );
      return;
    case 'failing_too_long':
      await deps.subscriptions.disable(
        subscriptionId,
        'failing',
        `no successful delivery since ${verdict.failingSince}`,
        context,
      );
      return;
    case 'exhausted':
      throw new DeliveryExhaustedError(`delivery ${deliveryId} failed on its last attempt (${attempt})`);
    case 'retry': {
      const message = `attempt ${attempt} of ${deliveryId} failed: ${result.error ?? `HTTP ${result.statusCode}`}`;
      throw verdict.retryAfter ? new RetryAfterError(message, verdict.delayMs) : new Error(message);
    }
    default: {
      const unreachable: never = verdict;
      throw new Error(`unknown verdict ${JSON.stringify(unreachable)}`);
    }
  }
};

export const startDeliveryWorker = (deps: DeliveryWorkerDeps): QueueWorker => {
  const withStates: DeliveryWorkerDeps = {
    ...deps,
    subscriptionStates: deps.subscriptionStates ?? new SubscriptionStates(deps.eventStore, deps.secretBox),
  };
  return deps.jobQueue.process<DeliveryJob>(
    WEBHOOK_DELIVERY_QUEUE,
    (job) => processDeliveryJob(withStates, job),
    {
      concurrency: deps.concurrency,
      onFailed: (job, error) => {
        if (error instanceof DeliveryExhaustedError) return;
        deps.logger.warn('webhook delivery job gave up', { jobId: job.id, error: error.message });
      },
    },
  );
};
