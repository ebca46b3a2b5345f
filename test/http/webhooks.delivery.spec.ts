import assert from 'node:assert/strict';
import { RedisServer } from '../support/redis-server';
import { ManualClock, startTestGateway, type TestGateway } from '../support/test-gateway';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import {
  WEBHOOK_SCOPES,
  authorizedIntent,
  byWebhookId,
  deliveriesOf,
  subscribe,
  verified,
} from './webhooks.fixtures';

/** The same behaviour on both queues: the embedded in-process one, and BullMQ on a redis-server of our own. */
const queues: [string, () => Promise<{ env: Record<string, string>; stop: () => Promise<void> }>][] = [
  ['in-process queue', async () => ({ env: {}, stop: async () => undefined })],
  [
    'BullMQ',
    async () => {
      const redis = await RedisServer.start();
      return { env: { REDIS_URL: redis.url }, stop: () => redis.stop() };
    },
  ],
];

for (const [queueName, startQueue] of queues)
  describe(`HTTP: webhook delivery to a local receiver over real HTTP (${queueName})`, () => {
    let api: TestGateway;
    let key: string;
    let receiver: WebhookReceiver;
    let stopQueue: () => Promise<void> = async () => undefined;

    before(async () => {
      const queue = await startQueue();
      stopQueue = queue.stop;
      api = await startTestGateway({
        env: {
          ...queue.env,
          WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
          // Thirty quick retries: the schedule's shape, on a test's time scale.
          WEBHOOK_RETRY_SCHEDULE_MS: ['0', ...Array.from({ length: 29 }, () => '100')].join(','),
          WEBHOOK_RECONCILE_INTERVAL_MS: '600000',
        },
      });
      key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    });
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
    });
    afterEach(() => receiver.close());
    after(async () => {
      await api?.close();
      await stopQueue();
    });

    it('signs each delivery so that the standardwebhooks package verifies it, with a stable public payload', async () => {
      const { secret } = await subscribe(api, key, receiver.url);
      const intentId = await authorizedIntent(api, key);
      await waitUntil(() => receiver.received.length >= 2, { message: 'two webhooks' });

      const payloads = receiver.received.map((webhook) => verified(secret, webhook));
      assert.deepEqual(payloads.map((payload) => payload.type).sort(), [
        'payment_intent.authorized',
        'payment_intent.created',
      ]);
      const authorized = payloads.find((payload) => payload.type === 'payment_intent.authorized');
      assert.match(authorized.id, /^evt_/);
      assert.equal(authorized.version, 1);
      assert.equal(authorized.data.id, intentId);
      assert.equal(authorized.data.status, 'authorized');
      assert.deepEqual(authorized.data.paymentMethod, {
        type: 'card_present',
        cardPresent: { scheme: 'troy', last4: '4242' },
      });
      assert.doesNotMatch(JSON.stringify(payloads), /A1B2C3|123456789012|_position|_id/);
      for (const webhook of receiver.received) {
        assert.match(webhook.headers['webhook-id'] ?? '', /^msg_/);
        assert.match(webhook.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/=]+$/);
        assert.equal(webhook.headers['content-type'], 'application/json');
      }
    });

    it('signs with both secrets during a rotation, and with the new one only after the grace period', async () => {
      const { id, secret: oldSecret } = await subscribe(api, key, receiver.url, ['payment_intent.created']);
      const rotated = await api.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, {
        key,
        body: { gracePeriodHours: 1 },
      });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      const newSecret = rotated.body.secret as string;
      assert.match(newSecret, /^whsec_/);
      assert.notEqual(newSecret, oldSecret);
      assert.ok(rotated.body.previousSecretExpiresAt > rotated.body.secretRotatedAt);

      await authorizedIntent(api, key);
      await waitUntil(() => receiver.received.length >= 1, { message: 'a webhook during the grace period' });
      const during = receiver.received[0]!;
      assert.equal(during.headers['webhook-signature']?.split(' ').length, 2);
      assert.equal(verified(oldSecret, during).type, 'payment_intent.created');
      assert.equal(verified(newSecret, during).type, 'payment_intent.created');

      const again = await api.request('POST', `/api/v1/webhooks/${id}/rotate-secret`, {
        key,
        body: { gracePeriodHours: 0 },
      });
      const latest = again.body.secret as string;
      await authorizedIntent(api, key);
      await waitUntil(() => receiver.received.length >= 2, { message: 'a webhook after the grace period' });
      const after = receiver.received[1]!;
      assert.equal(after.headers['webhook-signature']?.split(' ').length, 1);
      assert.equal(verified(latest, after).type, 'payment_intent.created');
      assert.throws(() => verified(newSecret, after), /signature/i);
    });

    it('a receiver that fails for a while and recovers gets every event once, each under one stable webhook-id', async () => {
      let down = true;
      receiver.respond = (_request, index) =>
        down ? { status: index % 2 === 0 ? 500 : 502 } : { status: 204 };
      const { id, secret } = await subscribe(api, key, receiver.url);
      await authorizedIntent(api, key);
      await authorizedIntent(api, key);
      // Down until each of the four deliveries has failed twice.
      await waitUntil(
        () => {
          const groups = byWebhookId(receiver.received);
          return groups.size === 4 && [...groups.values()].every((group) => group.length >= 2);
        },
        { message: 'two failed attempts of each delivery' },
      );
      down = false;
      await waitUntil(
        async () => {
          const deliveries = await deliveriesOf(api, key, id);
          return deliveries.length === 4 && deliveries.every((delivery) => delivery.status === 'succeeded');
        },
        { message: 'every delivery succeeded' },
      );

      const groups = byWebhookId(receiver.received);
      assert.equal(groups.size, 4);
      const deliveries = await deliveriesOf(api, key, id);
      for (const delivery of deliveries) {
        const attempts = groups.get(delivery.id);
        assert.ok(attempts, `no request carried webhook-id ${delivery.id}`);
        // One body per id, every attempt signed, and nothing sent after the success.
        assert.equal(new Set(attempts.map((attempt) => attempt.body)).size, 1);
        for (const attempt of attempts) assert.equal(verified(secret, attempt).type, delivery.eventType);
        assert.equal(delivery.attemptCount, attempts.length);
        assert.ok(delivery.attempts.length >= 3);
        const codes = delivery.attempts.map((attempt: any) => attempt.statusCode);
        assert.equal(codes.at(-1), 204);
        assert.ok(
          codes.slice(0, -1).every((code: number) => code === 500 || code === 502),
          String(codes),
        );
        assert.deepEqual(
          delivery.attempts.map((attempt: any) => attempt.attempt),
          delivery.attempts.map((_: unknown, index: number) => index + 1),
        );
        for (const attempt of delivery.attempts) {
          assert.equal(typeof attempt.latencyMs, 'number');
          assert.ok(Date.parse(attempt.attemptedAt) > 0);
          assert.equal(attempt.error, null);
        }
      }
      assert.deepEqual(deliveries.map((delivery) => delivery.eventType).sort(), [
        'payment_intent.authorized',
        'payment_intent.authorized',
        'payment_intent.created',
        'payment_intent.created',
      ]);
    });

    it('honours Retry-After on 429', async () => {
      receiver.respond = (_request, index) =>
        index === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200 };
      const { id } = await subscribe(api, key, receiver.url, ['payment_intent.created']);
      await authorizedIntent(api, key);
      await waitUntil(() => receiver.received.length >= 2, { message: 'the retry' });
      const [first, second] = receiver.received;
      // The schedule alone would retry after ~100 ms.
      assert.ok(
        second!.receivedAt - first!.receivedAt >= 950,
        `retried after ${second!.receivedAt - first!.receivedAt} ms`,
      );
      await waitUntil(async () => (await deliveriesOf(api, key, id))[0]?.status === 'succeeded');
      const [delivery] = await deliveriesOf(api, key, id);
      assert.deepEqual(
        delivery.attempts.map((attempt: any) => attempt.statusCode),
        [429, 200],
      );
      const [attempt] = delivery.attempts;
      assert.ok(Date.parse(delivery.attempts[1].attemptedAt) - Date.parse(attempt.attemptedAt) >= 950);
    });

    it('410 disables the subscription, which is an event and a webhook of its own', async () => {
      const gone = await startWebhookReceiver();
      gone.respond = () => ({ status: 410 });
      try {
        const watcher = await subscribe(api, key, receiver.url, ['webhook_subscription.*']);
        const goneSubscription = await subscribe(api, key, gone.url, ['payment_intent.created']);
        await authorizedIntent(api, key);

        await waitUntil(() => receiver.received.length >= 1, { message: 'the disabled webhook' });
        const disabled = verified(watcher.secret, receiver.received[0]!);
        assert.equal(disabled.type, 'webhook_subscription.disabled');
        assert.equal(disabled.data.id, goneSubscription.id);
        assert.equal(disabled.data.disabledReason, 'endpoint_gone');

        const read = await api.request('GET', `/api/v1/webhooks/${goneSubscription.id}`, { key });
        assert.equal(read.body.status, 'disabled');
        assert.equal(read.body.disabledReason, 'endpoint_gone');
        assert.equal(gone.received.length, 1, 'a 410 is not retried');
        const [delivery] = await deliveriesOf(api, key, goneSubscription.id);
        assert.equal(delivery.status, 'failed');
        assert.deepEqual(
          delivery.attempts.map((attempt: any) => attempt.statusCode),
          [410],
        );
        const events = await api.allEvents();
        assert.ok(
          events.some(
            (event) =>
              event.type === 'WebhookSubscriptionDisabled' &&
              event.data.subscriptionId === goneSubscription.id,
          ),
        );

        // Later events are recorded for a replay, not sent.
        await authorizedIntent(api, key);
        await waitUntil(async () => (await deliveriesOf(api, key, goneSubscription.id)).length === 2);
        const [held] = await deliveriesOf(api, key, goneSubscription.id);
        assert.deepEqual(
          [held.status, held.canceledReason, held.attemptCount],
          ['canceled', 'subscription_disabled', 0],
        );
        assert.equal(gone.received.length, 1);
      } finally {
        await gone.close();
      }
    });

    it('replays one failed delivery, then every delivery since a time, with the same webhook-ids', async () => {
      let down = true;
      receiver.respond = () => ({ status: down ? 503 : 200 });
      const since = new Date(Date.now() - 1000).toISOString();
      const { id, secret } = await subscribe(api, key, receiver.url);
      // Paused: this event's delivery is held (recorded, not sent)...
      await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'disabled' } });
      await authorizedIntent(api, key);
      const resumed = await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'active' } });
      assert.equal(resumed.body.status, 'active');
      await waitUntil(async () => (await deliveriesOf(api, key, id)).length === 2);
      // ...and this one fails all thirty attempts.
      await api.request('PUT', `/api/v1/webhooks/${id}`, {
        key,
        body: { eventTypes: ['payment_intent.voided'] },
      });
      const intentId = await authorizedIntent(api, key);
      await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { eventTypes: ['payment_intent.*'] } });
      await api.request('POST', `/v1/payment-intents/${intentId}/void`, { key });
      await waitUntil(
        async () => (await deliveriesOf(api, key, id)).some((delivery) => delivery.status === 'failed'),
        { timeoutMs: 15_000, message: 'the void delivery to fail for good' },
      );
      const failed = (await deliveriesOf(api, key, id)).find((delivery) => delivery.status === 'failed');
      assert.equal(failed.attemptCount, 30);

      down = false;
      const before = receiver.received.length;
      const one = await api.request('POST', `/api/v1/webhooks/${id}/replay`, {
        key,
        body: { deliveryId: failed.id },
      });
      assert.equal(one.status, 202, JSON.stringify(one.body));
      await waitUntil(() => receiver.received.length > before, { message: 'the replayed delivery' });
      const replayed = receiver.received.at(-1)!;
      assert.equal(replayed.headers['webhook-id'], failed.id);
      assert.equal(verified(secret, replayed).type, 'payment_intent.voided');
      await waitUntil(async () =>
        (await deliveriesOf(api, key, id)).every((delivery) => delivery.status !== 'pending'),
      );
      const afterOne = (await deliveriesOf(api, key, id)).find((delivery) => delivery.id === failed.id);
      assert.deepEqual([afterOne.status, afterOne.round, afterOne.attemptCount], ['succeeded', 1, 31]);

      const held = (await deliveriesOf(api, key, id)).filter(
        (delivery) => delivery.canceledReason === 'subscription_disabled',
      );
      assert.equal(held.length, 2);
      const all = await api.request('POST', `/api/v1/webhooks/${id}/replay`, {
        key,
        body: { since, status: 'failed' },
      });
      assert.equal(all.status, 202, JSON.stringify(all.body));
      assert.deepEqual(all.body.deliveryIds.sort(), held.map((delivery) => delivery.id).sort());
      await waitUntil(
        () =>
          held.every((delivery) =>
            receiver.received.some((webhook) => webhook.headers['webhook-id'] === delivery.id),
          ),
        { message: 'the held deliveries' },
      );
    });

    it('sends a test event to one subscription on request', async () => {
      const { id, secret } = await subscribe(api, key, receiver.url, ['payment_intent.captured']);
      const test = await api.request('POST', `/api/v1/webhooks/${id}/test`, { key });
      assert.equal(test.status, 202, JSON.stringify(test.body));
      await waitUntil(() => receiver.received.length === 1, { message: 'the test webhook' });
      const [webhook] = receiver.received;
      assert.equal(webhook!.headers['webhook-id'], test.body.deliveryId);
      const payload = verified(secret, webhook!);
      assert.deepEqual(
        [payload.type, payload.id, payload.data.subscriptionId],
        ['webhook_subscription.test', test.body.eventId, id],
      );
    });
  });

describe('HTTP: a subscription failing without a success for the configured period', () => {
  let api: TestGateway;
  let key: string;
  let receiver: WebhookReceiver;
  const clock = new ManualClock(new Date('2026-01-15T10:00:00.000Z'));

  before(async () => {
    api = await startTestGateway({
      clock,
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_DISABLE_AFTER_HOURS: '120',
        // The second attempt would come in an hour: never, in this test.
        WEBHOOK_RETRY_SCHEDULE_MS: '0,3600000',
        WEBHOOK_RECONCILE_INTERVAL_MS: '600000',
      },
    });
    key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    receiver = await startWebhookReceiver();
    receiver.respond = () => ({ status: 500 });
  });
  after(async () => {
    await receiver.close();
    await api.close();
  });

  const subscription = async (id: string) =>
    (await api.request('GET', `/api/v1/webhooks/${id}`, { key })).body;

  it('is disabled on the first failure after five days, which is an event of its own', async () => {
    const { id } = await subscribe(api, key, receiver.url, ['payment_intent.created']);
    await authorizedIntent(api, key);
    await waitUntil(async () => (await subscription(id)).deliveryHealth.failingSince !== null);
    assert.equal((await subscription(id)).deliveryHealth.failingSince, '2026-01-15T10:00:00.000Z');

    clock.advance(119 * 3_600_000);
    await authorizedIntent(api, key);
    await waitUntil(() => receiver.received.length === 2);
    await waitUntil(async () =>
      (await deliveriesOf(api, key, id)).every((delivery) => delivery.attemptCount === 1),
    );
    assert.equal((await subscription(id)).status, 'active', 'disabled before five days');

    clock.advance(2 * 3_600_000);
    await authorizedIntent(api, key);
    await waitUntil(async () => (await subscription(id)).status === 'disabled', { message: 'disabled' });
    const disabled = await subscription(id);
    assert.equal(disabled.disabledReason, 'failing');
    assert.equal(disabled.disabledAt, '2026-01-20T11:00:00.000Z');
    const events = await api.allEvents();
    const event = events.find((recorded) => recorded.type === 'WebhookSubscriptionDisabled');
    assert.match(String(event?.data.message), /no successful delivery since 2026-01-15T10:00:00.000Z/);
  });
});
