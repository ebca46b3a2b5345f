import type { BackoffPolicy, JobOptions, RetryPolicy, WorkerOptions } from './job-queue';
import { InvalidJobOptionsError } from './job-queue-errors';

// Both adapters validate the same way, so that code written against the in-process queue cannot enqueue
// something BullMQ would refuse or mishandle. BullMQ keeps a job under `<prefix>:<queue>:<jobId>`, next to
// the queue's own keys: ':' would break that layout, and an id equal to one of the queue's key names would
// overwrite that key and corrupt the queue.
const RESERVED_JOB_IDS = new Set([
  'active',
  'wait',
  'waiting-children',
  'paused',
  'id',
  'delayed',
  'prioritized',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'meta',
  'events',
  'pc',
  'marker',
  'de',
  'metrics',
]);

export const assertValidQueueName = (queue: string): void => {
  if (queue.length === 0 || queue.includes(':')) {
    throw new InvalidJobOptionsError(
      `invalid queue name ${JSON.stringify(queue)}: must be non-empty, no ':'`,
    );
  }
};

export const assertValidJobOptions = (options: JobOptions): void => {
  const { jobId, retry, delayMs } = options;
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.includes(':')) {
    throw new InvalidJobOptionsError(`invalid jobId ${JSON.stringify(jobId)}: must be non-empty, no ':'`);
  }
  if (String(parseInt(jobId, 10)) === jobId) {
    // BullMQ refuses integer-like custom ids: they could collide with its own generated ids.
    throw new InvalidJobOptionsError(`invalid jobId ${JSON.stringify(jobId)}: must not be an integer`);
  }
  if (RESERVED_JOB_IDS.has(jobId)) {
    throw new InvalidJobOptionsError(`invalid jobId ${JSON.stringify(jobId)}: reserved by the queue backend`);
  }
  if (delayMs !== undefined) assertDelay('delayMs', delayMs);
  if (retry !== undefined) assertValidRetryPolicy(retry);
};

export const assertValidRetryPolicy = (retry: RetryPolicy): void => {
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new InvalidJobOptionsError(`invalid retry.attempts ${retry.attempts}: must be an integer >= 1`);
  }
  assertValidBackoff(retry.backoff);
};

const assertValidBackoff = (backoff: BackoffPolicy): void => {
  switch (backoff.type) {
    case 'exponential':
      return assertDelay('retry.backoff.baseDelayMs', backoff.baseDelayMs);
    case 'fixed':
      return assertDelay('retry.backoff.delayMs', backoff.delayMs);
    case 'schedule': {
      if (!Array.isArray(backoff.delaysMs) || backoff.delaysMs.length === 0) {
        throw new InvalidJobOptionsError('invalid retry.backoff.delaysMs: must be a non-empty list');
      }
      backoff.delaysMs.forEach((delay, i) => assertDelay(`retry.backoff.delaysMs[${i}]`, delay));
      const { jitter } = backoff;
      if (jitter !== undefined && !(jitter >= 0 && jitter <= 1)) {
        throw new InvalidJobOptionsError(`invalid retry.backoff.jitter ${jitter}: must be between 0 and 1`);
      }
      return;
    }
    default: {
      const unknown: never = backoff;
      throw new InvalidJobOptionsError(`invalid retry.backoff ${JSON.stringify(unknown)}`);
    }
  }
};

export const assertValidWorkerOptions = (options: WorkerOptions): void => {
  const { concurrency } = options;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new InvalidJobOptionsError(`invalid concurrency ${concurrency}: must be an integer >= 1`);
  }
};

const assertDelay = (field: string, value: number): void => {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidJobOptionsError(`invalid ${field} ${value}: must be a finite number >= 0`);
  }
};
