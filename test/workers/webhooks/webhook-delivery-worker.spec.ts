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
import type { DeliveryJob } from '../../../src/workers/webhooks/delivery-job';
import {
  DeliveryExhaustedError,
  processDeliveryJob,
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
    // Real time at each test, not at file load: receivers refuse signatures older than five minutes, and
    // a whole suite can take longer than that to reach this file.
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

  const scheduleDelivery = async () => {
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
});
