import Redis from 'ioredis';
import { JobQueueUnavailableError } from './job-queue-errors';

/**
 * producer: enqueues from request handlers. With an offline queue, BullMQ's add() waits for Redis to come
 * back, holding an HTTP request open indefinitely; without it a command fails at once while Redis is down,
 * the caller answers 503, and the client's retry (same job id) is deduplicated. A command in flight when the
 * connection drops is retried once after reconnecting, then rejected.
 *
 * worker: BullMQ requires maxRetriesPerRequest null so that workers wait out a Redis outage and resume,
 * instead of failing jobs they hold.
 */
export type RedisConnectionRole = 'producer' | 'worker';

export const createRedisConnection = (redisUrl: string, role: RedisConnectionRole): Redis =>
  new Redis(
    redisUrl,
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'edgepay-producer' }
      : { maxRetriesPerRequest: null, connectionName: 'edgepay-worker' },
  );

/**
 * Resolves when `redis` is ready, or rejects after `timeoutMs`: without an offline queue, commands sent
 * while (re)connecting would fail, and BullMQ itself waits for readiness without a bound.
 */
export const whenReady = (redis: Redis, timeoutMs: number): Promise<void> => {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new JobQueueUnavailableError(`Redis is not reachable (waited ${timeoutMs} ms)`));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
};

/** Closes politely when connected (pending replies arrive first), at once otherwise. */
export const closeRedis = async (redis: Redis): Promise<void> => {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
};
