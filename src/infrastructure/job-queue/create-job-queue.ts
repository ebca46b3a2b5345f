import type { Logger } from '../logging/logger';
import type * as BullMqAdapter from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import type { JobQueue } from './job-queue';

export interface CreateJobQueueOptions {
  /** REDIS_URL: set, BullMQ on that Redis; unset, the in-process queue. */
  redisUrl?: string;
  /** Redis key prefix (BullMQ only); default 'edgepay'. */
  prefix?: string;
  logger?: Logger;
}

// Loaded on first use, not at start: the embedded default never loads the production clients (a
// third of its cold start). require, not import(): one module instance under tsc's CommonJS and tsx alike.
const bullMqJobQueue = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./bullmq-job-queue') as typeof BullMqAdapter).BullMqJobQueue;

export const createJobQueue = (options: CreateJobQueueOptions = {}): JobQueue =>
  options.redisUrl
    ? new (bullMqJobQueue())({ redisUrl: options.redisUrl, prefix: options.prefix, logger: options.logger })
    : new InProcessJobQueue({ logger: options.logger });
