import { createHash } from 'node:crypto';
import type { EnqueuedJob, JobQueue, RetryPolicy } from '../../infrastructure/job-queue/job-queue';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

/** Shortens each retry delay by up to this fraction, so endpoints that failed together do not retry together. */
export const RETRY_JITTER = 0.2;

export interface DeliveryJob {
  deliveryId: string;
  subscriptionId: string;
  round: number;
  /** Attempts of this round already made when the job was queued (non-zero when the reconciler resumes). */
  attemptsBefore: number;
  /** The signed body: built once from the catalogue, identical on every attempt. */
  body: string;
}

/**
 * A delivery's first attempt, as one of a group's: the dispatcher queues first attempts in groups (decision
 * 0039), and a failed one continues in a `DeliveryJob` of its own.
 */
export interface FirstDelivery {
  deliveryId: string;
  subscriptionId: string;
  /** The recorded event the delivery is for: names the delivery's own jobs. */
  sourceEventId: string;
  body: string;
}

export interface DeliveryGroupJob {
  deliveries: FirstDelivery[];
}

export const DELIVERY_JOB_NAME = 'deliver';
export const DELIVERY_GROUP_JOB_NAME = 'deliver-group';

/** First attempts per group job: the queue's own work (add, fetch, finish) is shared by this many. */
export const DELIVERIES_PER_GROUP = 20;

/**
 * `whd-<event id>-<subscription id>` for the first delivery; a replay round and a resumed delivery get
 * suffixes, because the queue keeps finished ids for a while and would ignore them as duplicates.
 */
export const deliveryJobId = (
  sourceEventId: string,
  subscriptionId: string,
  round: number,
  attemptsBefore: number,
): string =>
  `whd-${sourceEventId}-${subscriptionId}${round > 0 ? `-r${round}` : ''}${
    attemptsBefore > 0 ? `-c${attemptsBefore}` : ''
  }`;

/**
 * The rest of the schedule after `attemptsBefore` attempts, as the queue's own retry policy: the queue's
 * n-th retry waits `schedule[attemptsBefore + n]`, less up to RETRY_JITTER of it.
 */
export const deliveryRetryPolicy = (schedule: readonly number[], attemptsBefore: number): RetryPolicy => {
  const remaining = schedule.slice(attemptsBefore + 1);
  return {
    attempts: Math.max(1, schedule.length - attemptsBefore),
    backoff: { type: 'schedule', delaysMs: remaining.length > 0 ? remaining : [0], jitter: RETRY_JITTER },
  };
};

/** A delivery job as the queue takes it: its id, retry policy and delay. */
export const deliveryJobFor = (
  job: DeliveryJob,
  sourceEventId: string,
  schedule: readonly number[],
  delayMs = 0,
): EnqueuedJob<DeliveryJob> => ({
  name: DELIVERY_JOB_NAME,
  data: job,
  options: {
    jobId: deliveryJobId(sourceEventId, job.subscriptionId, job.round, job.attemptsBefore),
    retry: deliveryRetryPolicy(schedule, job.attemptsBefore),
    ...(delayMs > 0 ? { delayMs } : {}),
  },
});

export const enqueueDelivery = (
  jobQueue: JobQueue,
  job: DeliveryJob,
  sourceEventId: string,
  schedule: readonly number[],
  delayMs = 0,
): Promise<void> => {
  const { name, data, options } = deliveryJobFor(job, sourceEventId, schedule, delayMs);
  return jobQueue.enqueue<DeliveryJob>(WEBHOOK_DELIVERY_QUEUE, name, data, options);
};

/**
 * `whg-` and a digest of the group's delivery ids. The dispatcher records it in each delivery's scheduled
 * event before queuing the group, and every later queuing of the delivery's first attempt (a dispatcher
 * retrying its bulk or restarting mid-page, the reconciler) uses the recorded id: a group still queued, or
 * finished, is never queued twice.
 */
export const deliveryGroupJobId = (deliveryIds: readonly string[]): string =>
  `whg-${createHash('sha256').update(deliveryIds.join(',')).digest('base64url').slice(0, 32)}`;

/** The group job id for each delivery id, in groups of DELIVERIES_PER_GROUP in the order given. */
export const groupJobIdsFor = (deliveryIds: readonly string[]): string[] => {
  const ids: string[] = [];
  for (let start = 0; start < deliveryIds.length; start += DELIVERIES_PER_GROUP) {
    const group = deliveryIds.slice(start, start + DELIVERIES_PER_GROUP);
    const jobId = deliveryGroupJobId(group);
    for (let i = 0; i < group.length; i += 1) ids.push(jobId);
  }
  return ids;
};

/** A first attempt and the group job recorded for it. */
export interface GroupedFirstDelivery {
  jobId: string;
  delivery: FirstDelivery;
}

/**
 * One job per recorded group id, its members in the order given. A group job that fails (a store or the
 * queue down) runs again on the delivery schedule; its deliveries already attempted are skipped.
 */
export const deliveryGroupJobsFor = (
  grouped: readonly GroupedFirstDelivery[],
  schedule: readonly number[],
): EnqueuedJob<DeliveryGroupJob>[] => {
  const members = new Map<string, FirstDelivery[]>();
  for (const { jobId, delivery } of grouped) {
    const group = members.get(jobId);
    if (group) group.push(delivery);
    else members.set(jobId, [delivery]);
  }
  return [...members].map(([jobId, deliveries]) => ({
    name: DELIVERY_GROUP_JOB_NAME,
    data: { deliveries },
    options: { jobId, retry: deliveryRetryPolicy(schedule, 0) },
  }));
};

/** What the webhook delivery queue holds: one delivery's attempts, or a group's first attempts. */
export type WebhookQueueJob = DeliveryJob | DeliveryGroupJob;

export const isDeliveryGroup = (data: WebhookQueueJob): data is DeliveryGroupJob => 'deliveries' in data;
