import assert from 'node:assert/strict';
import type { Job, JobCounts, JobOptions, JobQueue } from '../../src/infrastructure/job-queue/job-queue';
import {
  InvalidJobOptionsError,
  JobQueueClosedError,
  RetryAfterError,
} from '../../src/infrastructure/job-queue/job-queue-errors';
import { waitUntil } from '../support/wait-until';

export interface JobQueueHarness {
  queue: JobQueue;
  /** Closes the queue (if the test did not) and removes whatever it wrote. */
  dispose(): Promise<void>;
}

interface Run {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  startedAt: number;
}

interface Gate {
  open(): void;
  opened: Promise<void>;
}

const gate = (): Gate => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

// Only to give a misbehaving adapter time to show itself: a passing run never depends on its length.
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const noCounts: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };

const gaps = (runs: Run[]): number[] => runs.slice(1).map((run, i) => run.startedAt - runs[i]!.startedAt);

/** The behaviour every JobQueue adapter shares. */
export const jobQueueContract = (name: string, open: () => JobQueueHarness): void => {
  describe(`JobQueue contract: ${name}`, () => {
    let harness: JobQueueHarness;
    let queue: JobQueue;
    let q: string;
    let runs: Run[];
    let queueCounter = 0;

    const record = (job: Job): void => {
      runs.push({ id: job.id, name: job.name, data: job.data, attempt: job.attempt, startedAt: Date.now() });
    };
    const countsSettle = (expected: Partial<JobCounts>): Promise<void> =>
      waitUntil(
        async () => {
          const counts = await queue.counts(q);
          return Object.entries(expected).every(([state, n]) => counts[state as keyof JobCounts] === n);
        },
        { message: `counts ${JSON.stringify(expected)}` },
      );

    beforeEach(() => {
      harness = open();
      queue = harness.queue;
      q = `contract-${++queueCounter}`;
      runs = [];
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('runs a job once, with its id, name, data and attempt 1', async () => {
      queue.process(q, async (job) => record(job));
      await queue.enqueue(q, 'greet', { to: 'world' }, { jobId: 'job-1' });

      await countsSettle({ completed: 1 });
      assert.deepEqual(await queue.counts(q), { ...noCounts, completed: 1 });
      assert.deepEqual(
        runs.map(({ startedAt: _, ...run }) => run),
        [{ id: 'job-1', name: 'greet', data: { to: 'world' }, attempt: 1 }],
      );
    });

    it('tells where a job is by its id, and nothing for an id it does not know', async () => {
      assert.equal(await queue.jobState(q, 'never-queued'), undefined);
      await queue.enqueue(q, 'later', {}, { jobId: 'delayed-1', delayMs: 60_000 });
      await queue.enqueue(q, 'now', {}, { jobId: 'waiting-1' });
      await queue.enqueue(
        q,
        'fails',
        {},
        { jobId: 'failing-1', retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 0 } } },
      );
      assert.equal(await queue.jobState(q, 'delayed-1'), 'delayed');
      assert.equal(await queue.jobState(q, 'waiting-1'), 'waiting');

      const held = gate();
      queue.process(
        q,
        async (job) => {
          if (job.id === 'failing-1') throw new Error('no');
          await held.opened;
        },
        { concurrency: 2 },
      );
      await waitUntil(async () => (await queue.jobState(q, 'waiting-1')) === 'active', { message: 'active' });
      await waitUntil(async () => (await queue.jobState(q, 'failing-1')) === 'failed', { message: 'failed' });
      held.open();
      await waitUntil(async () => (await queue.jobState(q, 'waiting-1')) === 'completed', {
        message: 'completed',
      });
    });

    it('round-trips nested JSON data', async () => {
      const data = {
        amount: 10_000,
        ratio: -0.125,
        label: 'şarj istasyonu ⚡ "quoted"',
        flags: [true, false, null],
        nested: { list: [{ a: 1 }, [], {}], empty: '', deep: { deeper: { deepest: [1, [2, [3]]] } } },
      };
      queue.process(q, async (job) => record(job));
      await queue.enqueue(q, 'data', data, { jobId: 'data-1' });

      await countsSettle({ completed: 1 });
      assert.deepEqual(runs[0]?.data, data);
    });

    it('runs a job id enqueued twice once, also when enqueued again after it completed', async () => {
      await queue.enqueue(q, 'once', { n: 1 }, { jobId: 'dup' });
      await queue.enqueue(q, 'once', { n: 2 }, { jobId: 'dup' });
      assert.deepEqual(await queue.counts(q), { ...noCounts, waiting: 1 });

      queue.process(q, async (job) => record(job));
      await countsSettle({ completed: 1 });
      await queue.enqueue(q, 'once', { n: 3 }, { jobId: 'dup' });
      assert.deepEqual(await queue.counts(q), { ...noCounts, completed: 1 });

      // A later job on the same queue finishing shows nothing else was left to run.
      await queue.enqueue(q, 'later', {}, { jobId: 'later' });
      await countsSettle({ completed: 2 });
      assert.deepEqual(
        runs.map((run) => [run.id, run.data]),
        [
          ['dup', { n: 1 }],
          ['later', {}],
        ],
      );
    });

    it('runs a job id enqueued concurrently once', async () => {
      queue.process(q, async (job) => record(job), { concurrency: 4 });
      await Promise.all(
        Array.from({ length: 10 }, (_, n) => queue.enqueue(q, 'race', { n }, { jobId: 'raced' })),
      );

      await countsSettle({ completed: 1 });
      await queue.enqueue(q, 'later', {}, { jobId: 'later' });
      await countsSettle({ completed: 2 });
      assert.deepEqual(await queue.counts(q), { ...noCounts, completed: 2 });
      assert.equal(runs.filter((run) => run.id === 'raced').length, 1);
    });

    it('enqueues many jobs at once, each once, with its own options, skipping ids already known', async () => {
      await queue.enqueue(q, 'known', { n: 0 }, { jobId: 'many-0' });
      await queue.enqueueMany(q, [
        { name: 'many', data: { n: 1 }, options: { jobId: 'many-0' } },
        { name: 'many', data: { n: 2 }, options: { jobId: 'many-1' } },
        { name: 'many', data: { n: 3 }, options: { jobId: 'many-2', delayMs: 60_000 } },
        { name: 'many', data: { n: 4 }, options: { jobId: 'many-1' } },
      ]);
      await queue.enqueueMany(q, []);
      assert.deepEqual(await queue.counts(q), { ...noCounts, waiting: 2, delayed: 1 });

      queue.process(q, async (job) => record(job));
      await countsSettle({ completed: 2, delayed: 1 });
      assert.deepEqual(runs.map((run) => [run.id, run.name, run.data]).sort(), [
        ['many-0', 'known', { n: 0 }],
        ['many-1', 'many', { n: 2 }],
      ]);
    });

    it('retries a failing job up to its attempts, numbered 1..n, then calls onFailed once', async () => {
      const failures: { job: Job; message: string }[] = [];
      queue.process(
        q,
        async (job) => {
          record(job);
          throw new Error(`boom ${job.attempt}`);
        },
        { onFailed: (job, error) => failures.push({ job, message: error.message }) },
      );
      await queue.enqueue(
        q,
        'doomed',
        { x: 1 },
        { jobId: 'doomed', retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 5 } } },
      );

      await waitUntil(() => failures.length > 0, { message: 'onFailed' });
      await countsSettle({ failed: 1 });
      assert.deepEqual(
        runs.map((run) => run.attempt),
        [1, 2, 3],
      );
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.message, 'boom 3');
      assert.deepEqual(failures[0]?.job, { id: 'doomed', name: 'doomed', data: { x: 1 }, attempt: 3 });

      // A failed id within retention is not run again either.
      await queue.enqueue(q, 'doomed', { x: 2 }, { jobId: 'doomed' });
      assert.deepEqual(await queue.counts(q), { ...noCounts, failed: 1 });
      assert.equal(runs.length, 3);
    });

    it('stops retrying once an attempt succeeds', async () => {
      const failures: Job[] = [];
      queue.process(
        q,
        async (job) => {
          record(job);
          if (job.attempt <= 2) throw new Error('not yet');
        },
        { onFailed: (job) => failures.push(job) },
      );
      await queue.enqueue(
        q,
        'flaky',
        {},
        { jobId: 'flaky', retry: { attempts: 5, backoff: { type: 'fixed', delayMs: 5 } } },
      );

      await countsSettle({ completed: 1 });
      assert.deepEqual(await queue.counts(q), { ...noCounts, completed: 1 });
      assert.deepEqual(
        runs.map((run) => run.attempt),
        [1, 2, 3],
      );
      assert.deepEqual(failures, []);
    });

    it('waits at least the exponential backoff before each retry', async () => {
      queue.process(q, async (job) => {
        record(job);
        throw new Error('retry me');
      });
      await queue.enqueue(
        q,
        'exp',
        {},
        { jobId: 'exp', retry: { attempts: 4, backoff: { type: 'exponential', baseDelayMs: 50 } } },
      );

      await countsSettle({ failed: 1 });
      const measured = gaps(runs);
      assert.equal(measured.length, 3);
      [50, 100, 200].forEach((delay, i) => assert.ok(measured[i]! >= delay, `gap ${i + 1}: ${measured}`));
    });

    it('follows a schedule backoff, repeating its last delay, with jitter only shortening it', async () => {
      queue.process(q, async (job) => {
        record(job);
        throw new Error('retry me');
      });
      await queue.enqueue(
        q,
        'sched',
        {},
        {
          jobId: 'sched',
          retry: { attempts: 5, backoff: { type: 'schedule', delaysMs: [80, 0, 40], jitter: 0.25 } },
        },
      );

      await countsSettle({ failed: 1 });
      const measured = gaps(runs);
      assert.equal(measured.length, 4);
      [80, 0, 40, 40].forEach((delay, i) =>
        assert.ok(measured[i]! >= delay * 0.75, `gap ${i + 1}: ${measured}`),
      );
    });

    it('retries after the delay a RetryAfterError asks for, instead of the policy', async () => {
      queue.process(q, async (job) => {
        record(job);
        if (job.attempt === 1) throw new RetryAfterError('429 Too Many Requests', 150);
      });
      await queue.enqueue(
        q,
        'limited',
        {},
        { jobId: 'limited', retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 0 } } },
      );

      await countsSettle({ completed: 1 });
      const measured = gaps(runs);
      assert.equal(measured.length, 1);
      assert.ok(measured[0]! >= 150, `gap: ${measured}`);
    });

    it('runs a delayed job no earlier than delayMs after enqueueing', async () => {
      queue.process(q, async (job) => record(job));
      const enqueuedAt = Date.now();
      await queue.enqueue(q, 'later', {}, { jobId: 'later-1', delayMs: 120 });

      await countsSettle({ completed: 1 });
      assert.ok(
        runs[0]!.startedAt - enqueuedAt >= 120,
        `started after ${runs[0]!.startedAt - enqueuedAt} ms`,
      );
    });

    it('never runs more jobs at once than its concurrency', async () => {
      const release = gate();
      let active = 0;
      let maxActive = 0;
      queue.process(
        q,
        async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await release.opened;
          active -= 1;
        },
        { concurrency: 2 },
      );
      for (let n = 1; n <= 5; n++) await queue.enqueue(q, 'busy', { n }, { jobId: `busy-${n}` });

      await waitUntil(() => active === 2, { message: 'two active jobs' });
      await pause(100);
      assert.equal(maxActive, 2);
      assert.deepEqual(await queue.counts(q), { ...noCounts, active: 2, waiting: 3 });

      release.open();
      await countsSettle({ completed: 5 });
      assert.equal(maxActive, 2);
    });

    it('counts jobs by state', async () => {
      const release = gate();
      await queue.enqueue(q, 'work', {}, { jobId: 'work' });
      await queue.enqueue(q, 'work', {}, { jobId: 'not-yet', delayMs: 60_000 });
      assert.deepEqual(await queue.counts(q), { ...noCounts, waiting: 1, delayed: 1 });

      queue.process(q, async (job) => {
        if (job.name === 'fail') throw new Error('no');
        await release.opened;
      });
      await countsSettle({ active: 1, waiting: 0 });
      release.open();
      await countsSettle({ completed: 1 });
      await queue.enqueue(
        q,
        'fail',
        {},
        { jobId: 'fail', retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 0 } } },
      );
      await countsSettle({ failed: 1 });
      assert.deepEqual(await queue.counts(q), { ...noCounts, delayed: 1, completed: 1, failed: 1 });
    });

    it('close() waits for the active job to finish', async () => {
      const release = gate();
      let started = false;
      let finished = false;
      queue.process(q, async () => {
        started = true;
        await release.opened;
        finished = true;
      });
      await queue.enqueue(q, 'slow', {}, { jobId: 'slow' });
      await waitUntil(() => started, { message: 'job start' });

      let closed = false;
      const closing = queue.close().then(() => (closed = true));
      await pause(50);
      assert.equal(closed, false, 'close() resolved while a job was active');
      release.open();
      await closing;
      assert.equal(finished, true);
      await assert.rejects(queue.enqueue(q, 'late', {}, { jobId: 'late' }), JobQueueClosedError);
    });

    it('a closed worker finishes its active job and takes no more', async () => {
      const release = gate();
      queue.process(q, async (job) => record(job));
      const worker = queue.process(`${q}-other`, async (job) => {
        record(job);
        await release.opened;
      });
      await queue.enqueue(`${q}-other`, 'first', {}, { jobId: 'first' });
      await waitUntil(() => runs.length === 1, { message: 'first job start' });

      const closing = worker.close();
      release.open();
      await closing;
      await queue.enqueue(`${q}-other`, 'second', {}, { jobId: 'second' });
      // The other queue's worker is still running: its job finishing shows the queue is alive.
      await queue.enqueue(q, 'elsewhere', {}, { jobId: 'elsewhere' });
      await countsSettle({ completed: 1 });
      assert.deepEqual(await queue.counts(`${q}-other`), { ...noCounts, completed: 1, waiting: 1 });
      assert.deepEqual(
        runs.map((run) => run.id),
        ['first', 'elsewhere'],
      );
    });

    it('rejects ids and options BullMQ could not store or run', async () => {
      const invalid: JobOptions[] = [
        { jobId: 'a:b' },
        { jobId: '' },
        { jobId: '42' },
        { jobId: 'delayed' },
        { jobId: 'meta' },
        { jobId: 'ok', delayMs: -1 },
        { jobId: 'ok', retry: { attempts: 0, backoff: { type: 'fixed', delayMs: 1 } } },
        { jobId: 'ok', retry: { attempts: 2.5, backoff: { type: 'fixed', delayMs: 1 } } },
        { jobId: 'ok', retry: { attempts: 2, backoff: { type: 'exponential', baseDelayMs: Number.NaN } } },
        { jobId: 'ok', retry: { attempts: 2, backoff: { type: 'schedule', delaysMs: [] } } },
        { jobId: 'ok', retry: { attempts: 2, backoff: { type: 'schedule', delaysMs: [1], jitter: 2 } } },
      ];
      for (const options of invalid) {
        await assert.rejects(
          queue.enqueue(q, 'bad', {}, options),
          InvalidJobOptionsError,
          JSON.stringify(options),
        );
      }
      await assert.rejects(queue.enqueue('has:colon', 'bad', {}, { jobId: 'ok' }), InvalidJobOptionsError);
      await assert.rejects(queue.enqueue(q, 'bad', {}, { jobId: 'a:b' }), /':'/);
      assert.throws(() => queue.process(q, async () => {}, { concurrency: 0 }), InvalidJobOptionsError);
      assert.deepEqual(await queue.counts(q), noCounts);
    });

    it('answers ping while open', async () => {
      await queue.ping();
    });
  });
};
