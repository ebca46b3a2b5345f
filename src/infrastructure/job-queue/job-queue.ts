/**
 * The job queue port. Adapters: BullMQ on Redis (production) and an in-process queue (embedded default),
 * with the same retry policy (computed by retry-delay.ts for both). Every adapter passes
 * test/infrastructure/job-queue.contract.ts.
 *
 * Delivery is at least once: a handler can run again for the same job (a retry, or a worker that died
 * mid-job), so handlers must be idempotent.
 */

/**
 * How long to wait before retry n, where n (1-based) is the attempt that just failed.
 * A handler can override the delay for one retry by throwing a RetryAfterError (e.g. on HTTP 429).
 */
export type BackoffPolicy =
  /** baseDelayMs * 2^(n-1): 1x, 2x, 4x, ... */
  | { type: 'exponential'; baseDelayMs: number }
  | { type: 'fixed'; delayMs: number }
  /**
   * delaysMs[n-1]; past the end of the list the last delay repeats. `jitter` (0..1) shortens each delay by
   * a random fraction of up to `jitter`, so many jobs failing together do not retry in lockstep.
   */
  | { type: 'schedule'; delaysMs: number[]; jitter?: number };

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  backoff: BackoffPolicy;
}

export interface JobOptions {
  /**
   * Deterministic id, unique per queue: enqueuing an id that is waiting, delayed, active, or completed or
   * failed within the retention window (completed: 1 day, failed: 7 days) is a no-op. No ':' allowed.
   */
  jobId: string;
  /** Defaults to DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
}

export interface EnqueuedJob<T = unknown> {
  name: string;
  data: T;
  options: JobOptions;
}

export interface Job<T = unknown> {
  id: string;
  name: string;
  /** A JSON copy of what was enqueued (Dates become strings, undefined properties disappear). */
  data: T;
  /** 1 on the first attempt. */
  attempt: number;
}

export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface WorkerOptions {
  /** Jobs of this queue run at the same time in this process. Default 1. */
  concurrency?: number;
  /** Called once, after the last attempt failed; `job.attempt` is that last attempt. */
  onFailed?: (job: Job, error: Error) => void;
}

export interface QueueWorker {
  /** Stops taking jobs and waits for the active ones. */
  close(): Promise<void>;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** Where a job is: 'waiting' includes BullMQ's prioritized and waiting-children. */
export type JobState = keyof JobCounts;

export interface JobQueue {
  /** Queue names: no ':' allowed. Rejects with JobQueueUnavailableError when the backend is unreachable. */
  enqueue<T>(queue: string, name: string, data: T, options: JobOptions): Promise<void>;
  /**
   * The same as `enqueue` for each job, in one exchange with the backend (one Redis pipeline on BullMQ).
   * All or nothing is not promised: after a rejection, enqueue them all again (ids make that a no-op).
   */
  enqueueMany<T>(queue: string, jobs: readonly EnqueuedJob<T>[]): Promise<void>;
  /** Starts processing `queue`. One worker per queue and process is expected. */
  process<T>(queue: string, handler: JobHandler<T>, options?: WorkerOptions): QueueWorker;
  /** Completed and failed counts include only jobs still within retention. */
  counts(queue: string): Promise<JobCounts>;
  /** Where the job with this id is; undefined when the queue does not know it (never queued, past retention, lost). */
  jobState(queue: string, jobId: string): Promise<JobState | undefined>;
  ping(): Promise<void>;
  /** Graceful: stops taking jobs, waits for active ones, closes connections. */
  close(): Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  backoff: { type: 'exponential', baseDelayMs: 1000 },
};
