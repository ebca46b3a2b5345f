import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ManualClock } from '../../src/infrastructure/clock';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { BullMqJobQueue } from '../../src/infrastructure/job-queue/bullmq-job-queue';
import { createJobQueue } from '../../src/infrastructure/job-queue/create-job-queue';
import { InProcessJobQueue } from '../../src/infrastructure/job-queue/in-process-job-queue';
import { JobQueueUnavailableError } from '../../src/infrastructure/job-queue/job-queue-errors';
import { DEFAULT_JOB_RETENTION } from '../../src/infrastructure/job-queue/job-retention';
import { waitUntil } from '../support/wait-until';
import { jobQueueContract } from './job-queue.contract';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// One prefix per run: parallel runs and other engineers' tests on the same Redis never meet.
const prefix = `edgepay-test-${process.pid}-${randomUUID().slice(0, 8)}`;
const day = 24 * 60 * 60 * 1000;

const deleteKeys = async (pattern: string): Promise<number> => {
  const redis = new Redis(redisUrl);
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]));
    }
    return deleted;
  } finally {
    await redis.quit();
  }
};

jobQueueContract('in-process', () => {
  const queue = new InProcessJobQueue({ logger: silentLogger() });
  return { queue, dispose: () => queue.close() };
});

describe('BullMQ adapter (real Redis)', () => {
  after(async () => {
    await deleteKeys(`${prefix}:*`);
    const left = await deleteKeys(`${prefix}:*`);
    assert.equal(left, 0);
  });

  jobQueueContract('BullMQ', () => {
    const queue = new BullMqJobQueue({ redisUrl, prefix, logger: silentLogger() });
    return { queue, dispose: () => queue.close() };
  });

  it('stores jobs with the retention limits', async () => {
    const queue = new BullMqJobQueue({ redisUrl, prefix, logger: silentLogger() });
    const reader = new Queue('retention', { connection: { url: redisUrl }, prefix });
    try {
      await queue.enqueue('retention', 'kept', { a: 1 }, { jobId: 'kept' });
      const job = await reader.getJob('kept');
      assert.deepEqual(job?.opts.removeOnComplete, { age: 24 * 60 * 60, count: 1000 });
      assert.deepEqual(job?.opts.removeOnFail, { age: 7 * 24 * 60 * 60, count: 10_000 });
      assert.equal(job?.opts.attempts, 5);
    } finally {
      await reader.close();
      await queue.close();
    }
  });

  it('fails fast, without hanging, when Redis cannot be reached', async () => {
    // Port 1 refuses connections: the producer never becomes ready.
    const queue = new BullMqJobQueue({
      redisUrl: 'redis://127.0.0.1:1',
      prefix,
      connectTimeoutMs: 200,
      logger: silentLogger(),
    });
    try {
      const startedAt = Date.now();
      await assert.rejects(queue.ping(), JobQueueUnavailableError);
      await assert.rejects(queue.enqueue('down', 'job', {}, { jobId: 'down' }), JobQueueUnavailableError);
      await assert.rejects(queue.counts('down'), JobQueueUnavailableError);
      assert.ok(Date.now() - startedAt < 5000, 'took too long to fail');
    } finally {
      await queue.close();
    }
  });
});

describe('InProcessJobQueue retention', () => {
  const runCounter = () => {
    const runs: string[] = [];
    return { runs, handler: async (job: { id: string }) => void runs.push(job.id) };
  };

  it('runs a completed id again once it has aged out of retention', async () => {
    const clock = new ManualClock();
    const queue = new InProcessJobQueue({ clock, logger: silentLogger() });
    try {
      const { runs, handler } = runCounter();
      queue.process('r', handler);
      await queue.enqueue('r', 'job', {}, { jobId: 'again' });
      await waitUntil(() => runs.length === 1);

      clock.advance(DEFAULT_JOB_RETENTION.completed.ageMs - 1);
      await queue.enqueue('r', 'job', {}, { jobId: 'again' });
      assert.deepEqual(await queue.counts('r'), {
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 1,
        failed: 0,
      });

      clock.advance(1);
      assert.equal((await queue.counts('r')).completed, 0);
      await queue.enqueue('r', 'job', {}, { jobId: 'again' });
      await waitUntil(() => runs.length === 2);
    } finally {
      await queue.close();
    }
  });

  it('keeps at most `count` completed jobs, forgetting the oldest first', async () => {
    const retention = { completed: { ageMs: day, count: 2 }, failed: { ageMs: day, count: 2 } };
    const queue = new InProcessJobQueue({ retention, logger: silentLogger() });
    try {
      const { runs, handler } = runCounter();
      queue.process('r', handler);
      for (const id of ['a', 'b', 'c']) {
        await queue.enqueue('r', 'job', {}, { jobId: id });
        await waitUntil(() => runs.includes(id));
      }
      assert.equal((await queue.counts('r')).completed, 2);
      await queue.enqueue('r', 'job', {}, { jobId: 'c' });
      await queue.enqueue('r', 'job', {}, { jobId: 'a' });
      await waitUntil(() => runs.length === 4);
      assert.deepEqual(runs, ['a', 'b', 'c', 'a']);
    } finally {
      await queue.close();
    }
  });

  it('allows one worker per queue', async () => {
    const queue = new InProcessJobQueue({ logger: silentLogger() });
    try {
      const worker = queue.process('one', async () => {});
      assert.throws(() => queue.process('one', async () => {}), /already has a worker/);
      await worker.close();
      queue.process('one', async () => {});
    } finally {
      await queue.close();
    }
  });
});

describe('createJobQueue', () => {
  it('chooses BullMQ when a Redis URL is set, the in-process queue otherwise', async () => {
    const inProcess = createJobQueue({ logger: silentLogger() });
    const bullmq = createJobQueue({ redisUrl, prefix, logger: silentLogger() });
    try {
      assert.ok(inProcess instanceof InProcessJobQueue);
      assert.ok(bullmq instanceof BullMqJobQueue);
      await bullmq.ping();
    } finally {
      await Promise.all([inProcess.close(), bullmq.close()]);
    }
  });
});
