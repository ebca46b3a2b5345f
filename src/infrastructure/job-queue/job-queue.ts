/**
 * The job queue port. Adapters: BullMQ on Redis (production) and an in-process queue (embedded default),
 * with the same retry policy. Every adapter passes test/infrastructure/job-queue.contract.ts.
 */

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Exponential backoff: delay before retry n (1-based) is baseDelayMs * 2^(n-1). */
  backoff: { type: 'exponential'; baseDelayMs: number } | { type: 'fixed'; delayMs: number };
}

export interface JobOptions {
  /** Deterministic id: enqueuing the same id twice runs the job once. No ':' allowed. */
  jobId: string;
  retry?: RetryPolicy;
  delayMs?: number;
}

export interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first attempt. */
  attempt: number;
}

export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface WorkerOptions {
  concurrency?: number;
  /** Called after the last attempt failed. */
  onFailed?: (job: Job, error: Error) => void;
}

export interface QueueWorker {
  close(): Promise<void>;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface JobQueue {
  enqueue<T>(queue: string, name: string, data: T, options: JobOptions): Promise<void>;
  /** Starts processing `queue`. One worker per queue and process is expected. */
  process<T>(queue: string, handler: JobHandler<T>, options?: WorkerOptions): QueueWorker;
  counts(queue: string): Promise<JobCounts>;
  ping(): Promise<void>;
  /** Graceful: stops taking jobs, waits for active ones, closes connections. */
  close(): Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  backoff: { type: 'exponential', baseDelayMs: 1000 },
};
