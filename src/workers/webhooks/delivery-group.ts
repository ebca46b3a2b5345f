import { systemContext, type CommandContext } from '../../commands/command-context';
import type { Job } from '../../infrastructure/job-queue/job-queue';
import { retryDelayMs } from '../../infrastructure/job-queue/retry-delay';
import { ConcurrencyLimit } from '../concurrency-limit';
import { attemptDelivery } from './delivery-attempt';
import { enqueueDelivery, RETRY_JITTER, type DeliveryGroupJob, type FirstDelivery } from './delivery-job';
import { SubscriptionStates } from './subscription-states';
import type { DeliveryWorkerDeps } from './webhook-delivery-worker';

/**
 * A group job holds the first attempts of many deliveries (decision 0039). Each is attempted as a job of
 * its own would be, within the worker's limit on sends in flight; one that fails and has attempts left
 * continues in a job of its own, delayed as the schedule (or Retry-After) says. The group job fails only
 * when an attempt could not be made or recorded (a store or the queue down): it then runs again, and every
 * delivery already attempted is skipped, its continuation queued again (a no-op when it is queued).
 */
export const processDeliveryGroup = async (
  deps: DeliveryWorkerDeps,
  job: Job<DeliveryGroupJob>,
): Promise<void> => {
  const context = systemContext(`job-${job.id}`);
  const states = deps.subscriptionStates ?? new SubscriptionStates(deps.eventStore, deps.secretBox);
  const withSlots = { ...deps, sendSlots: deps.sendSlots ?? new ConcurrencyLimit(deps.concurrency) };
  const settled = await Promise.allSettled(
    job.data.deliveries.map((delivery) => attemptFirst(withSlots, states, delivery, context)),
  );
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
    throw new Error(
      `${failures.length} of ${settled.length} deliveries of the group were not attempted: ${first}`,
    );
  }
};

const attemptFirst = async (
  deps: DeliveryWorkerDeps & { sendSlots: ConcurrencyLimit },
  states: SubscriptionStates,
  first: FirstDelivery,
  context: CommandContext,
): Promise<void> => {
  const delivery = await deps.deliveries.loadForAttempt(first.deliveryId);
  // Settled, or replayed into a later round (whose own job carries it on).
  if (delivery.status !== 'pending' || delivery.round !== 0) return;
  if (delivery.roundAttempts > 0) {
    // Attempted already: by an earlier run of this group that failed later, or by another job. Its
    // continuation may not have been queued before that run failed.
    const dueInMs = Date.parse(delivery.nextAttemptAt) - deps.clock.now().getTime();
    await continueAlone(deps, first, delivery.roundAttempts, Math.max(0, dueInMs));
    return;
  }
  const made = await attemptDelivery(deps, states, { ...first, round: 0 }, 0, context);
  if (made.kind !== 'made' || made.verdict.kind !== 'retry') return;
  const { delayMs, retryAfter } = made.verdict;
  // Jittered as the queue's own retries are, so endpoints that failed together do not retry together;
  // a Retry-After is the endpoint's own time and is kept.
  const delay = retryAfter
    ? delayMs
    : retryDelayMs({ type: 'schedule', delaysMs: [delayMs], jitter: RETRY_JITTER }, 1);
  await continueAlone(deps, first, made.attempt, delay);
};

/** The delivery's next attempts, in a job of its own (the same job the reconciler would queue). */
const continueAlone = (
  deps: DeliveryWorkerDeps,
  first: FirstDelivery,
  attemptsBefore: number,
  delayMs: number,
) =>
  enqueueDelivery(
    deps.jobQueue,
    {
      deliveryId: first.deliveryId,
      subscriptionId: first.subscriptionId,
      round: 0,
      attemptsBefore,
      body: first.body,
    },
    first.sourceEventId,
    deps.schedule,
    Math.round(delayMs),
  );
