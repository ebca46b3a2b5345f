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
  name: 'deliver',
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
