import type { CommandContext } from '../../commands/command-context';
import type { WebhookDeliveryService } from '../../commands/webhooks/webhook-delivery.service';
import type { WebhookSubscriptionService } from '../../commands/webhooks/webhook-subscription.service';
import { signingSecrets } from '../../domain/webhook-subscription/webhook-subscription.state';
import type { Clock } from '../../infrastructure/clock';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { WEBHOOK_SUBSCRIPTIONS } from '../../projections/webhooks/webhook-subscription.projection';
import { webhookHeaders } from '../../webhooks/signature';
import type { WebhookPostResult, WebhookSender } from '../../webhooks/webhook-sender';
import type { ConcurrencyLimit } from '../concurrency-limit';
import { isSuccess, judgeAttempt, type AttemptVerdict } from './delivery-outcome';
import type { SubscriptionStates } from './subscription-states';
import type { DeliveryOutcome, WebhookMetrics } from './webhook-metrics';

export interface AttemptDeps {
  readStore: ReadStore;
  clock: Clock;
  deliveries: WebhookDeliveryService;
  subscriptions: WebhookSubscriptionService;
  sender: WebhookSender;
  schedule: readonly number[];
  disableAfterMs: number;
  metrics?: WebhookMetrics;
  /** The process's limit on webhooks being sent at once; recording an answer happens outside it. */
  sendSlots: ConcurrencyLimit;
}

/** What one attempt is about: a delivery in its round, and the signed body it sends. */
export interface AttemptTarget {
  deliveryId: string;
  subscriptionId: string;
  round: number;
  body: string;
}

export type AttemptMade =
  /** The subscription is no longer active: the delivery was canceled without sending. */
  | { kind: 'canceled' }
  /** Sent and recorded as the round's `attempt`-th attempt, with what that answer means. */
  | { kind: 'made'; attempt: number; verdict: AttemptVerdict; result: WebhookPostResult };

/**
 * One attempt of a pending delivery: send it signed, record it in the delivery's stream, and disable the
 * subscription when the answer says so (410, or failing for too long). What happens next (a retry, or
 * nothing) is the caller's: a job retries itself, a group queues a job for the delivery alone.
 *
 * The send holds one of the process's send slots, from the subscription check to the answer. A success
 * lets the slot go before its record waits for the write batch's sync; a failure keeps it until the
 * subscription's fate is recorded, so a delivery waiting for the slot sees a 410's disabling.
 */
export const attemptDelivery = async (
  deps: AttemptDeps,
  states: SubscriptionStates,
  target: AttemptTarget,
  attemptsBefore: number,
  context: CommandContext,
): Promise<AttemptMade> => {
  const { deliveryId, subscriptionId, round, body } = target;
  const sent = await deps.sendSlots.run(async () => {
    const subscription = await states.load(subscriptionId);
    if (subscription.status !== 'active') return subscription.status;
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
    if (isSuccess(result.statusCode)) return { kind: 'answered' as const, attemptedAt, result };
    return {
      kind: 'recorded' as const,
      made: await recordAnswer(deps, target, attemptsBefore + 1, attemptedAt, result, context),
    };
  });
  if (typeof sent === 'string') {
    const reason = sent === 'disabled' ? 'subscription_disabled' : 'subscription_deactivated';
    await deps.deliveries.cancel(deliveryId, round, reason, context);
    return { kind: 'canceled' };
  }
  if (sent.kind === 'recorded') return sent.made;
  return recordAnswer(deps, target, attemptsBefore + 1, sent.attemptedAt, sent.result, context);
};

/** Judges the answer, records the attempt, and disables the subscription when the answer says so. */
const recordAnswer = async (
  deps: AttemptDeps,
  target: AttemptTarget,
  attempt: number,
  attemptedAt: Date,
  result: WebhookPostResult,
  context: CommandContext,
): Promise<Extract<AttemptMade, { kind: 'made' }>> => {
  const { deliveryId, subscriptionId, round } = target;
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
  deps.metrics?.observe(outcomeOf(verdict, result), result.latencyMs);

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

  if (verdict.kind === 'gone') {
    await deps.subscriptions.disable(
      subscriptionId,
      'endpoint_gone',
      'the endpoint answered 410 Gone',
      context,
    );
  } else if (verdict.kind === 'failing_too_long') {
    await deps.subscriptions.disable(
      subscriptionId,
      'failing',
      `no successful delivery since ${verdict.failingSince}`,
      context,
    );
  }
  return { kind: 'made', attempt, verdict, result };
};

const outcomeOf = (verdict: AttemptVerdict, result: WebhookPostResult): DeliveryOutcome =>
  verdict.kind === 'succeeded'
    ? 'succeeded'
    : verdict.kind === 'gone'
      ? 'gone'
      : result.statusCode === null
        ? 'no_answer'
        : 'failed';

/** Why a failed attempt failed, for the job's error and the logs. */
export const failureMessage = (deliveryId: string, made: Extract<AttemptMade, { kind: 'made' }>): string =>
  `attempt ${made.attempt} of ${deliveryId} failed: ${made.result.error ?? `HTTP ${made.result.statusCode}`}`;
