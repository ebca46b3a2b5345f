import type { Logger } from '../logging/logger';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import type { JobQueue } from './job-queue';

export interface CreateJobQueueOptions {
  /** REDIS_URL: set, BullMQ on that Redis; unset, the in-process queue. */
  redisUrl?: string;
  /** Redis key prefix (BullMQ only); default 'edgepay'. */
  prefix?: string;
  logger?: Logger;
}

export const createJobQueue = (options: CreateJobQueueOptions = {}): JobQueue =>
  options.redisUrl
    ? new BullMqJobQueue({ redisUrl: options.redisUrl, prefix: options.prefix, logger: options.logger })
    : new InProcessJobQueue({ logger: options.logger });
