import { Queue, Worker, type Job as BullJob, type JobsOptions, type MinimalJob } from 'bullmq';
import type Redis from 'ioredis';
import { silentLogger, type Logger } from '../logging/logger';
import {
  DEFAULT_RETRY_POLICY,
  type BackoffPolicy,
  type EnqueuedJob,
  type Job,
  type JobCounts,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  type JobState,
  type QueueWorker,
  type WorkerOptions,
} from './job-queue';
import { JobQueueClosedError, JobQueueUnavailableError } from './job-queue-errors';
import { DEFAULT_JOB_RETENTION, type JobRetention } from './job-retention';
import { closeRedis, createRedisConnection, whenReady } from './redis-connection';
import { retryDelayMs } from './retry-delay';
import {
  assertValidJobOptions,
  assertValidQueueName,
  assertValidWorkerOptions,
} from './validate-job-options';

export interface BullMqJobQueueOptions {
  redisUrl: string;
  /** Redis key prefix; separates deployments (and test runs) sharing one Redis. */
  prefix?: string;
  retention?: JobRetention;
  /** How long enqueue, counts and ping wait for a Redis connection before JobQueueUnavailableError. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/**
 * What is stored as the BullMQ job's data: the backoff travels with the job, because BullMQ calls one
 * custom strategy per worker and it must compute the delay each job was enqueued with.
 */
interface StoredJob {
  payload: unknown;
  backoff: BackoffPolicy;
}

// Every job uses this custom strategy, so both adapters compute delays with retryDelayMs.
const BACKOFF_TYPE = 'edgepay';

export class BullMqJobQueue implements JobQueue {
  private readonly redisUrl: string;
  private readonly prefix: string;
  private readonly retention: JobRetention;
  private readonly connectTimeoutMs: number;
  private readonly logger: Logger;
  private readonly producer: Redis;
  private workerConnection: Redis | undefined;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();
  private closing: Promise<void> | undefined;
  private waitingForRedis: Promise<void> | undefined;

  constructor(options: BullMqJobQueueOptions) {
    this.redisUrl = options.redisUrl;
    this.prefix = options.prefix ?? 'edgepay';
    this.retention = options.retention ?? DEFAULT_JOB_RETENTION;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.logger = options.logger ?? silentLogger();
    this.producer = this.connect('producer');
  }

  async enqueue<T>(queue: string, name: string, data: T, options: JobOptions): Promise<void> {
    this.assertOpen();
    assertValidQueueName(queue);
    const { data: stored, opts } = this.bullJob(name, data, options);
    await this.onRedis(() => this.queue(queue).add(name, stored, opts));
  }

  async enqueueMany<T>(queue: string, jobs: readonly EnqueuedJob<T>[]): Promise<void> {
    this.assertOpen();
    assertValidQueueName(queue);
    if (jobs.length === 0) return;
    const bulk = jobs.map(({ name, data, options }) => this.bullJob(name, data, options));
    await this.onRedis(() => this.queue(queue).addBulk(bulk));
  }

  private bullJob<T>(
    name: string,
    data: T,
    options: JobOptions,
  ): { name: string; data: StoredJob; opts: JobsOptions } {
    assertValidJobOptions(options);
    const retry = options.retry ?? DEFAULT_RETRY_POLICY;
    return {
      name,
      data: { payload: data, backoff: retry.backoff },
      opts: {
        // An existing id (in any state, until removed by retention) makes add() a no-op: BullMQ's dedupe.
        jobId: options.jobId,
        attempts: retry.attempts,
        backoff: { type: BACKOFF_TYPE },
        delay: options.delayMs,
        removeOnComplete: retentionFor(this.retention.completed),
        removeOnFail: retentionFor(this.retention.failed),
      },
    };
  }

  process<T>(queue: string, handler: JobHandler<T>, options: WorkerOptions = {}): QueueWorker {
    this.assertOpen();
    assertValidQueueName(queue);
    assertValidWorkerOptions(options);
    const worker = new Worker<StoredJob>(
      queue,
      async (job) => {
        try {
          await handler(toPortJob<T>(job, job.attemptsMade + 1));
        } catch (error) {
          throw error instanceof Error ? error : new Error(String(error));
        }
      },
      {
        connection: this.sharedWorkerConnection(),
        prefix: this.prefix,
        concurrency: options.concurrency ?? 1,
        settings: {
          backoffStrategy: (attemptsMade, _type, error, job) =>
            retryDelayMs(backoffOf(job), attemptsMade, { error }),
        },
      },
    );
    worker.on('error', (error) => this.logger.warn('job worker error', { queue, error: error.message }));
    worker.on('failed', (job, error) => {
      // 'failed' fires for every failed attempt; attemptsMade already counts this one.
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      try {
        options.onFailed?.(toPortJob(job, job.attemptsMade), error);
      } catch (thrown) {
        this.logger.warn('job onFailed callback threw', { queue, error: String(thrown) });
      }
    });
    this.workers.add(worker);
    return {
      close: async () => {
        await worker.close();
        this.workers.delete(worker);
      },
    };
  }

  async counts(queue: string): Promise<JobCounts> {
    this.assertOpen();
    assertValidQueueName(queue);
    const counts = await this.onRedis(() =>
      this.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
    );
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async jobState(queue: string, jobId: string): Promise<JobState | undefined> {
    this.assertOpen();
    assertValidQueueName(queue);
    const state = await this.onRedis(() => this.queue(queue).getJobState(jobId));
    switch (state) {
      case 'waiting':
      case 'prioritized':
      case 'waiting-children':
        return 'waiting';
      case 'active':
      case 'delayed':
      case 'completed':
      case 'failed':
        return state;
      default:
        return undefined;
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.onRedis(() => this.producer.ping());
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Workers first: Worker.close() lets active jobs finish, and they still need the connections.
    await Promise.all([...this.workers].map((worker) => worker.close()));
    this.workers.clear();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await Promise.all([this.producer, this.workerConnection].map((redis) => redis && closeRedis(redis)));
  }

  /** Waits (bounded) for the producer connection, and reports a lost connection as unavailability. */
  private async onRedis<R>(command: () => Promise<R>): Promise<R> {
    await this.producerReady();
    try {
      return await command();
    } catch (error) {
      if (this.producer.status === 'ready') throw error;
      throw new JobQueueUnavailableError(`Redis connection lost: ${String(error)}`, { cause: error });
    }
  }

  /** One wait shared by concurrent callers, rather than a 'ready' listener each. */
  private producerReady(): Promise<void> {
    if (this.producer.status === 'ready') return Promise.resolve();
    this.waitingForRedis ??= whenReady(this.producer, this.connectTimeoutMs).finally(() => {
      this.waitingForRedis = undefined;
    });
    return this.waitingForRedis;
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producer, prefix: this.prefix });
      queue.on('error', (error) =>
        this.logger.warn('job queue error', { queue: name, error: error.message }),
      );
      this.queues.set(name, queue);
    }
    return queue;
  }

  private sharedWorkerConnection(): Redis {
    this.workerConnection ??= this.connect('worker');
    return this.workerConnection;
  }

  private connect(role: 'producer' | 'worker'): Redis {
    const redis = createRedisConnection(this.redisUrl, role);
    // Without a listener ioredis prints every reconnection failure to the console.
    redis.on('error', (error: Error) =>
      this.logger.warn('redis connection error', { role, error: error.message }),
    );
    return redis;
  }

  private assertOpen(): void {
    if (this.closing) throw new JobQueueClosedError();
  }
}

const toPortJob = <T>(job: BullJob<StoredJob>, attempt: number): Job<T> => ({
  id: job.id ?? '',
  name: job.name,
  data: job.data.payload as T,
  attempt,
});

const backoffOf = (job: MinimalJob | undefined): BackoffPolicy =>
  (job?.data as StoredJob | undefined)?.backoff ?? DEFAULT_RETRY_POLICY.backoff;

const retentionFor = (limits: { ageMs: number; count: number }): { age: number; count: number } => ({
  age: Math.ceil(limits.ageMs / 1000), // BullMQ takes seconds
  count: limits.count,
});
