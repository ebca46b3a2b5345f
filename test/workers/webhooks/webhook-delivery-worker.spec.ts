import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { systemContext } from '../../../src/commands/command-context';
import { webhookDeliveryService } from '../../../src/commands/webhooks/webhook-delivery.service';
import { webhookSubscriptionService } from '../../../src/commands/webhooks/webhook-subscription.service';
import { ManualClock } from '../../../src/infrastructure/clock';
import { InProcessJobQueue } from '../../../src/infrastructure/job-queue/in-process-job-queue';
import { RetryAfterError } from '../../../src/infrastructure/job-queue/job-queue-errors';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../../src/infrastructure/read-store/memory-read-store';
import { publicEventCatalogue } from '../../../src/public-events/catalogue';
import { createSecretBox } from '../../../src/webhooks/secret-box';
import type { WebhookPost, WebhookPostResult } from '../../../src/webhooks/webhook-sender';
import type { EnqueuedJob, JobQueue, JobState } from '../../../src/infrastructure/job-queue/job-queue';
import { ConcurrencyLimit } from '../../../src/workers/concurrency-limit';
import { processDeliveryGroup } from '../../../src/workers/webhooks/delivery-group';
import {
  deliveryGroupJobsFor,
  DELIVERIES_PER_GROUP,
  groupJobIdsFor,
  WEBHOOK_DELIVERY_QUEUE,
  type DeliveryGroupJob,
  type DeliveryJob,
} from '../../../src/workers/webhooks/delivery-job';
import {
  DeliveryExhaustedError,
  GROUP_CHECK_AGAIN_MS,
  processDeliveryJob,
  startDeliveryWorker,
  type DeliveryWorkerDeps,
} from '../../../src/workers/webhooks/webhook-delivery-worker';
import { fakeResolver } from '../../support/fake-resolver';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const answer = (statusCode: number | null, retryAfterMs: number | null = null): WebhookPostResult => ({
  statusCode,
  latencyMs: 7,
  error: statusCode === null ? 'ECONNREFUSED: connection refused' : null,
  retryAfterMs,
});

describe('webhook delivery worker', () => {
  const clock = new ManualClock(new Date());
  const scope = { merchantId: 'mer_1' };
  const context = systemContext('test');
  let deps: DeliveryWorkerDeps;
  let posts: WebhookPost[];
  let answers: WebhookPostResult[];
  let subscriptionId: string;
  let secret: string;
  let counter = 0;

  beforeEach(async () => {
    // Now, not when mocha loaded this file: standardwebhooks refuses timestamps five minutes old, and a
    // whole suite on a busy machine takes longer than that.
    clock.set(new Date());
    const eventStore = new InMemoryEventStore();
    posts = [];
    answers = [];
    const secretBox = createSecretBox(undefined);
    const subscriptions = webhookSubscriptionService({
      eventStore,
      clock,
      secretBox,
      urlPolicy: { requireHttps: true, allowPrivateAddresses: false },
      resolve: fakeResolver({ 'hooks.example.com': ['93.184.215.14'] }),
      catalogue: publicEventCatalogue,
      defaultSecretGracePeriodMs: 0,
    });
    const created = await subscriptions.create(
      { url: 'https://hooks.example.com/in', eventTypes: ['*'] },
      scope,
      context,
    );
    secret = created.secret;
    subscriptionId = created.state.status === 'empty' ? '' : created.state.subscriptionId;
    deps = {
      jobQueue: new InProcessJobQueue(),
      eventStore,
      readStore: new MemoryReadStore(),
      clock,
      logger: silentLogger(),
      deliveries: webhookDeliveryService({ eventStore, clock }),
      subscriptions,
      secretBox,
      sender: {
        post: async (request) => {
          posts.push(request);
          return answers.shift() ?? answer(204);
        },
        close: () => undefined,
      },
      schedule: [0, 1_000, 2_000],
      disableAfterMs: 120 * 3_600_000,
      concurrency: 1,
    };
  });

  const scheduleDelivery = async (fields: { firstAttemptJobId?: string } = {}) => {
    counter += 1;
    const deliveryId = `msg_${String(counter).padStart(26, '0')}`;
    await deps.deliveries.schedule(
      {
        deliveryId,
        subscriptionId,
        merchantId: 'mer_1',
        eventId: 'evt_1',
        eventType: 'payment_intent.created',
        source: { eventId: 'e-1', streamName: 'payment_intent-pi_1', revision: 0, position: '1' },
        held: false,
        ...fields,
      },
      context,
    );
    return deliveryId;
  };
  const job = (deliveryId: string, attempt: number, data: Partial<DeliveryJob> = {}) => ({
    id: `whd-${deliveryId}`,
    name: 'deliver',
    attempt,
    data: { deliveryId, subscriptionId, round: 0, attemptsBefore: 0, body: '{"type":"x"}', ...data },
  });
  const stateOf = (deliveryId: string) => deps.deliveries.load(deliveryId);

  it('signs with the Standard Webhooks headers, retries on the schedule, and records each attempt', async () => {
    const deliveryId = await scheduleDelivery();
    answers = [answer(500)];
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 1)), /attempt 1 of .* failed: HTTP 500/);
    const pending = await stateOf(deliveryId);
    assert.deepEqual(
      [pending.status, pending.status === 'pending' && pending.nextAttemptAt],
      ['pending', new Date(clock.now().getTime() + 1_000).toISOString()],
    );
    await processDeliveryJob(deps, job(deliveryId, 2));
    assert.equal((await stateOf(deliveryId)).status, 'succeeded');
    assert.equal(posts.length, 2);
    for (const post of posts) {
      assert.equal(post.headers['webhook-id'], deliveryId);
      new Webhook(secret).verify(post.body, post.headers);
    }
  });

  it('does not send again an attempt another job already made', async () => {
    const deliveryId = await scheduleDelivery();
    answers = [answer(500)];
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 1)));
    await processDeliveryJob(deps, job(deliveryId, 1));
    assert.equal(posts.length, 1);
  });

  it('gives up after the last attempt of the schedule', async () => {
    const deliveryId = await scheduleDelivery();
    answers = [answer(null), answer(502), answer(500)];
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 1)));
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 2)));
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 3)), DeliveryExhaustedError);
    assert.equal((await stateOf(deliveryId)).status, 'failed');
  });

  it('honours Retry-After on 503', async () => {
    const deliveryId = await scheduleDelivery();
    answers = [answer(503, 42_000)];
    await assert.rejects(
      processDeliveryJob(deps, job(deliveryId, 1)),
      (error: unknown) => error instanceof RetryAfterError && error.retryAfterMs === 42_000,
    );
  });

  it('disables the subscription on 410 and cancels its other deliveries without sending them', async () => {
    const gone = await scheduleDelivery();
    const next = await scheduleDelivery();
    answers = [answer(410)];
    await processDeliveryJob(deps, job(gone, 1));
    assert.equal((await stateOf(gone)).status, 'failed');
    await processDeliveryJob(deps, job(next, 1));
    const canceled = await stateOf(next);
    assert.equal(canceled.status, 'canceled');
    assert.equal(posts.length, 1);
    const events = await deps.eventStore.readAll();
    assert.ok(events.some((event) => event.type === 'WebhookSubscriptionDisabled'));
  });

  it('leaves a first attempt to its group job while that job waits or runs, and makes it once the group is gone', async () => {
    const deliveryId = await scheduleDelivery({ firstAttemptJobId: 'whg-group' });
    let groupState: JobState | undefined = 'active';
    deps.jobQueue = {
      ...deps.jobQueue,
      jobState: async (_queue, jobId) => (jobId === 'whg-group' ? groupState : undefined),
    } as JobQueue;
    await assert.rejects(
      processDeliveryJob(deps, job(deliveryId, 1)),
      (error: unknown) => error instanceof RetryAfterError && error.retryAfterMs === GROUP_CHECK_AGAIN_MS,
    );
    assert.equal(posts.length, 0);
    groupState = 'failed';
    answers = [answer(500)];
    await assert.rejects(processDeliveryJob(deps, job(deliveryId, 2)), /attempt 1 of .* failed: HTTP 500/);
    assert.equal(posts.length, 1);
    await processDeliveryJob(deps, job(deliveryId, 3));
    assert.equal(posts.length, 2);
    assert.equal((await stateOf(deliveryId)).status, 'succeeded');
  });

  it('stands down once the group job made the first attempt and finished', async () => {
    const deliveryId = await scheduleDelivery({ firstAttemptJobId: 'whg-group' });
    answers = [answer(500)];
    await processDeliveryGroup(
      { ...deps, jobQueue: { ...deps.jobQueue, enqueue: async () => undefined } as JobQueue },
      {
        id: 'whg-group',
        name: 'deliver-group',
        attempt: 1,
        data: { deliveries: [{ deliveryId, subscriptionId, sourceEventId: 'e-1', body: '{"type":"x"}' }] },
      },
    );
    deps.jobQueue = { ...deps.jobQueue, jobState: async () => 'completed' } as JobQueue;
    // A late single job for the first attempt: the group's continuation makes the second, on schedule.
    await processDeliveryJob(deps, job(deliveryId, 2));
    assert.equal(posts.length, 1);
    const pending = await stateOf(deliveryId);
    assert.equal(pending.status === 'pending' && pending.roundAttempts, 1);
  });

  describe('a group of first attempts (decision 0039)', () => {
    let queued: EnqueuedJob[];
    beforeEach(() => {
      queued = [];
      const recording: Pick<JobQueue, 'enqueue'> = {
        enqueue: async (_queue, name, data, options) => {
          queued.push({ name, data, options });
        },
      };
      deps.jobQueue = { ...deps.jobQueue, enqueue: recording.enqueue } as JobQueue;
    });

    const groupOf = (...deliveryIds: string[]) => ({
      id: 'whg-test',
      name: 'deliver-group',
      attempt: 1,
      data: {
        deliveries: deliveryIds.map((deliveryId) => ({
          deliveryId,
          subscriptionId,
          sourceEventId: `e-${deliveryId}`,
          body: '{"type":"x"}',
        })),
      } satisfies DeliveryGroupJob,
    });

    it('attempts each delivery once and queues nothing when all succeed', async () => {
      const ids = [await scheduleDelivery(), await scheduleDelivery(), await scheduleDelivery()];
      await processDeliveryGroup(deps, groupOf(...ids));
      assert.deepEqual(
        posts.map((post) => post.headers['webhook-id']),
        ids,
      );
      for (const id of ids) assert.equal((await stateOf(id)).status, 'succeeded');
      assert.deepEqual(queued, []);
    });

    it('continues a failed delivery in a job of its own, on the schedule, which the single-job path finishes', async () => {
      const [ok, failing] = [await scheduleDelivery(), await scheduleDelivery()];
      answers = [answer(204), answer(500)];
      await processDeliveryGroup(deps, groupOf(ok, failing));
      assert.equal((await stateOf(ok)).status, 'succeeded');
      const pending = await stateOf(failing);
      assert.equal(pending.status === 'pending' && pending.roundAttempts, 1);
      assert.equal(queued.length, 1);
      const [next] = queued as [EnqueuedJob<DeliveryJob>];
      assert.equal(next.options.jobId, `whd-e-${failing}-${subscriptionId}-c1`);
      assert.deepEqual(
        { ...next.data },
        { deliveryId: failing, subscriptionId, round: 0, attemptsBefore: 1, body: '{"type":"x"}' },
      );
      // The schedule's 1 s, less up to RETRY_JITTER (20 %).
      assert.ok(
        (next.options.delayMs ?? 0) >= 800 && (next.options.delayMs ?? 0) <= 1_000,
        `${next.options.delayMs}`,
      );
      await processDeliveryJob(deps, {
        id: next.options.jobId,
        name: next.name,
        attempt: 1,
        data: next.data,
      });
      assert.equal((await stateOf(failing)).status, 'succeeded');
      assert.equal(posts.length, 3);
    });

    it('waits as long as Retry-After asks before the continuation', async () => {
      const id = await scheduleDelivery();
      answers = [answer(429, 42_000)];
      await processDeliveryGroup(deps, groupOf(id));
      assert.equal(queued[0]?.options.delayMs, 42_000);
    });

    it('records a delivery whose only attempt failed as failed, with no continuation', async () => {
      deps.schedule = [0];
      const id = await scheduleDelivery();
      answers = [answer(500)];
      await processDeliveryGroup(deps, groupOf(id));
      assert.equal((await stateOf(id)).status, 'failed');
      assert.deepEqual(queued, []);
    });

    it('fails when an attempt cannot be recorded, and its rerun sends only what was not recorded', async () => {
      const [ok, failing, unrecorded] = [
        await scheduleDelivery(),
        await scheduleDelivery(),
        await scheduleDelivery(),
      ];
      answers = [answer(204), answer(500), answer(204)];
      const recordAttempt = deps.deliveries.recordAttempt;
      let refused = false;
      deps.deliveries = {
        ...deps.deliveries,
        recordAttempt: (deliveryId, ...rest) => {
          if (deliveryId === unrecorded && !refused) {
            refused = true;
            return Promise.reject(new Error('the event store is down'));
          }
          return recordAttempt(deliveryId, ...rest);
        },
      };
      await assert.rejects(
        processDeliveryGroup(deps, groupOf(ok, failing, unrecorded)),
        /1 of 3 deliveries of the group were not attempted: the event store is down/,
      );
      assert.equal(queued.length, 1);
      queued = [];
      clock.advance(300);

      await processDeliveryGroup(deps, { ...groupOf(ok, failing, unrecorded), attempt: 2 });
      assert.deepEqual(
        posts.map((post) => post.headers['webhook-id']),
        [ok, failing, unrecorded, unrecorded],
      );
      assert.equal((await stateOf(unrecorded)).status, 'succeeded');
      // The failed one's continuation is queued again (a no-op for a queue that has it), due when recorded.
      assert.equal(queued.length, 1);
      assert.equal(queued[0]?.options.jobId, `whd-e-${failing}-${subscriptionId}-c1`);
      assert.equal(queued[0]?.options.delayMs, 700);
    });

    it('cancels without sending what follows a 410 to the same subscription', async () => {
      const [gone, next] = [await scheduleDelivery(), await scheduleDelivery()];
      answers = [answer(410)];
      await processDeliveryGroup(deps, groupOf(gone, next));
      assert.equal((await stateOf(gone)).status, 'failed');
      assert.equal((await stateOf(next)).status, 'canceled');
      assert.equal(posts.length, 1);
    });

    it('keeps to the worker-wide limit of sends in flight', async () => {
      const ids = await Promise.all(Array.from({ length: 6 }, () => scheduleDelivery()));
      let inFlight = 0;
      let most = 0;
      deps.sendSlots = new ConcurrencyLimit(2);
      deps.sender = {
        post: async (request) => {
          posts.push(request);
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
          return answer(204);
        },
        close: () => undefined,
      };
      await Promise.all([
        processDeliveryGroup(deps, groupOf(...ids.slice(0, 3))),
        processDeliveryGroup(deps, groupOf(...ids.slice(3))),
      ]);
      assert.equal(posts.length, 6);
      assert.equal(most, 2);
    });

    it('on close, sends nothing more, and waits only for the send in flight, which it records', async () => {
      const ids = await Promise.all(Array.from({ length: 5 }, () => scheduleDelivery()));
      let answerFirst!: () => void;
      deps.sender = {
        post: (request) => {
          posts.push(request);
          return new Promise((resolve) => (answerFirst = () => resolve(answer(204))));
        },
        close: () => undefined,
      };
      const queue = new InProcessJobQueue();
      const worker = startDeliveryWorker({ ...deps, jobQueue: queue });
      await queue.enqueueMany(
        WEBHOOK_DELIVERY_QUEUE,
        deliveryGroupJobsFor(
          ids.map((deliveryId) => ({
            jobId: 'whg-closing',
            delivery: { deliveryId, subscriptionId, sourceEventId: `e-${deliveryId}`, body: '{"type":"x"}' },
          })),
          deps.schedule,
        ),
      );
      while (posts.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const closed = worker.close();
      answerFirst();
      await closed;
      assert.equal(posts.length, 1);
      const states = await Promise.all(ids.map((id) => stateOf(id)));
      assert.deepEqual(
        states.map((state) => [state.status, state.status === 'empty' ? 0 : state.roundAttempts]),
        [['succeeded', 1], ...ids.slice(1).map(() => ['pending', 0])],
      );
      await queue.close();
    });

    it('cuts first attempts into groups of DELIVERIES_PER_GROUP with ids that name their members', () => {
      const deliveryIds = Array.from({ length: DELIVERIES_PER_GROUP + 1 }, (_, i) => `msg_${i}`);
      const ids = groupJobIdsFor(deliveryIds);
      assert.equal(new Set(ids.slice(0, DELIVERIES_PER_GROUP)).size, 1);
      assert.notEqual(ids[DELIVERIES_PER_GROUP], ids[0]);
      assert.deepEqual(groupJobIdsFor(deliveryIds), ids);
      assert.notEqual(groupJobIdsFor(deliveryIds.slice(1))[0], ids[0]);
      assert.match(ids[0] ?? '', /^whg-[A-Za-z0-9_-]{32}$/);

      const jobs = deliveryGroupJobsFor(
        deliveryIds.map((deliveryId, i) => ({
          jobId: ids[i] as string,
          delivery: { deliveryId, subscriptionId: 'whs_1', sourceEventId: `e-${i}`, body: '{}' },
        })),
        [0, 1_000],
      );
      assert.deepEqual(
        jobs.map((job) => [job.options.jobId, job.data.deliveries.length]),
        [
          [ids[0], DELIVERIES_PER_GROUP],
          [ids[DELIVERIES_PER_GROUP], 1],
        ],
      );
    });
  });
});
