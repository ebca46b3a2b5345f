import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../logging/logger';
import {
  DEFAULT_RETRY_POLICY,
  type EnqueuedJob,
  type JobCounts,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  type JobState,
  type QueueWorker,
  type RetryPolicy,
  type WorkerOptions,
} from './job-queue';
import { InvalidJobOptionsError, JobQueueClosedError } from './job-queue-errors';
import { DEFAULT_JOB_RETENTION, type JobRetention } from './job-retention';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-delay';
import {
  assertValidJobOptions,
  assertValidQueueName,
  assertValidWorkerOptions,
} from './validate-job-options';

export interface InProcessJobQueueOptions {
  retention?: JobRetention;
  /** Ages finished jobs for retention; delays always run on real timers. */
  clock?: Clock;
  logger?: Logger;
}

interface StoredJob {
  id: string;
  name: string;
  /** Serialized like BullMQ does, so handlers see the same data under both adapters. */
  json: string | undefined;
  retry: RetryPolicy;
  attemptsMade: number;
  state: JobState;
  timer?: NodeJS.Timeout;
}

interface WorkerState {
  handler: JobHandler<unknown>;
  concurrency: number;
  onFailed: WorkerOptions['onFailed'];
  active: Set<Promise<void>>;
  closed: boolean;
}

interface QueueState {
  name: string;
  jobs: Map<string, StoredJob>;
  ready: StoredJob[];
  /** Finished job ids to their finishing time, oldest first: what retention trims. */
  completed: Map<string, number>;
  failed: Map<string, number>;
  worker?: WorkerState;
}

/**
 * The embedded default: the same contract as the BullMQ adapter, in memory. Jobs do not survive a restart;
 * the producers (checkpointed event subscriptions) enqueue them again with the same ids.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly retention: JobRetention;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly queues = new Map<string, QueueState>();
  private readonly workers = new Set<WorkerState>();
  private closing: Promise<void> | undefined;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.retention = options.retention ?? DEFAULT_JOB_RETENTION;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
  }

  async enqueue<T>(queue: string, name: string, data: T, options: JobOptions): Promise<void> {
    this.assertOpen();
    assertValidQueueName(queue);
    assertValidJobOptions(options);
    const state = this.queue(queue);
    this.trim(state);
    if (state.jobs.has(options.jobId)) return;
    const job: StoredJob = {
      id: options.jobId,
      name,
      json: JSON.stringify(data) as string | undefined,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      attemptsMade: 0,
      state: 'waiting',
    };
    state.jobs.set(job.id, job);
    this.schedule(state, job, options.delayMs ?? 0);
  }

  async enqueueMany<T>(queue: string, jobs: readonly EnqueuedJob<T>[]): Promise<void> {
    for (const { name, data, options } of jobs) await this.enqueue(queue, name, data, options);
  }

  process<T>(queue: string, handler: JobHandler<T>, options: WorkerOptions = {}): QueueWorker {
    this.assertOpen();
    assertValidQueueName(queue);
    assertValidWorkerOptions(options);
    const state = this.queue(queue);
    if (state.worker && !state.worker.closed) {
      throw new InvalidJobOptionsError(`queue ${queue} already has a worker in this process`);
    }
    const worker: WorkerState = {
      handler: handler as JobHandler<unknown>,
      concurrency: options.concurrency ?? 1,
      onFailed: options.onFailed,
      active: new Set(),
      closed: false,
    };
    state.worker = worker;
    this.workers.add(worker);
    this.pump(state);
    return {
      close: async () => {
        worker.closed = true;
        await Promise.all(worker.active);
        this.workers.delete(worker);
      },
    };
  }

  async counts(queue: string): Promise<JobCounts> {
    this.assertOpen();
    assertValidQueueName(queue);
    const state = this.queue(queue);
    this.trim(state);
    const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const job of state.jobs.values()) counts[job.state] += 1;
    return counts;
  }

  async jobState(queue: string, jobId: string): Promise<JobState | undefined> {
    this.assertOpen();
    assertValidQueueName(queue);
    const state = this.queue(queue);
    this.trim(state);
    return state.jobs.get(jobId)?.state;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const worker of this.workers) worker.closed = true;
    await Promise.all([...this.workers].flatMap((worker) => [...worker.active]));
    // After the active jobs: a failing one may have armed a retry timer on its way out.
    for (const state of this.queues.values()) {
      for (const job of state.jobs.values()) clearTimeout(job.timer);
    }
  }

  private schedule(state: QueueState, job: StoredJob, delayMs: number): void {
    if (delayMs <= 0) {
      job.state = 'waiting';
      state.ready.push(job);
      this.pump(state);
      return;
    }
    job.state = 'delayed';
    if (this.closing) return;
    const dueAt = Date.now() + delayMs;
    // Re-armed until due: Node timers may fire a millisecond early, and cannot wait beyond ~24.8 days.
    const arm = (): void => {
      const remaining = dueAt - Date.now();
      if (remaining > 0) {
        job.timer = setTimeout(arm, Math.min(remaining, MAX_RETRY_DELAY_MS));
        return;
      }
      job.timer = undefined;
      this.schedule(state, job, 0);
    };
    arm();
  }

  private pump(state: QueueState): void {
    const worker = state.worker;
    if (!worker || worker.closed) return;
    while (worker.active.size < worker.concurrency) {
      const job = state.ready.shift();
      if (!job) return;
      const running: Promise<void> = this.run(state, worker, job).finally(() => {
        worker.active.delete(running);
        this.pump(state);
      });
      worker.active.add(running);
    }
  }

  private async run(state: QueueState, worker: WorkerState, job: StoredJob): Promise<void> {
    job.state = 'active';
    const attempt = job.attemptsMade + 1;
    const data = (): unknown => (job.json === undefined ? undefined : JSON.parse(job.json));
    const view = () => ({ id: job.id, name: job.name, data: data(), attempt });
    try {
      await worker.handler(view());
      job.attemptsMade = attempt;
      this.finish(state, job, 'completed');
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      job.attemptsMade = attempt;
      if (attempt < job.retry.attempts) {
        this.schedule(state, job, retryDelayMs(job.retry.backoff, attempt, { error }));
        return;
      }
      this.finish(state, job, 'failed');
      try {
        worker.onFailed?.(view(), error);
      } catch (callbackError) {
        this.logger.warn('job onFailed callback threw', { queue: state.name, error: String(callbackError) });
      }
    }
  }

  private finish(state: QueueState, job: StoredJob, outcome: 'completed' | 'failed'): void {
    job.state = outcome;
    state[outcome].set(job.id, this.clock.now().getTime());
    this.trim(state);
  }

  /** Forgets finished jobs past retention (by age, then by count), so their ids can be enqueued again. */
  private trim(state: QueueState): void {
    const now = this.clock.now().getTime();
    for (const outcome of ['completed', 'failed'] as const) {
      const finished = state[outcome];
      const { ageMs, count } = this.retention[outcome];
      for (const [id, finishedAt] of finished) {
        if (finished.size <= count && now - finishedAt < ageMs) break;
        finished.delete(id);
        state.jobs.delete(id);
      }
    }
  }

  private queue(name: string): QueueState {
    let state = this.queues.get(name);
    if (!state) {
      state = { name, jobs: new Map(), ready: [], completed: new Map(), failed: new Map() };
      this.queues.set(name, state);
    }
    return state;
  }

  private assertOpen(): void {
    if (this.closing) throw new JobQueueClosedError();
  }
}
