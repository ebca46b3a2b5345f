import assert from 'node:assert/strict';
import { RedisServer } from '../support/redis-server';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createBody } from './payment-intents.fixtures';
import { WEBHOOK_SCOPES, byWebhookId, deliveriesOf, subscribe, verified } from './webhooks.fixtures';

describe('HTTP: webhooks on BullMQ survive a Redis restart in the middle of deliveries', function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let api: TestGateway;
  let receiver: WebhookReceiver;
  let key: string;

  before(async () => {
    redis = await RedisServer.start();
    api = await startTestGateway({
      env: {
        REDIS_URL: redis.url,
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: ['0', ...Array.from({ length: 59 }, () => '250')].join(','),
        WEBHOOK_RECONCILE_INTERVAL_MS: '500',
        WEBHOOK_RECONCILE_GRACE_MS: '1000',
      },
    });
    key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await api?.close();
    await receiver?.close();
    await redis?.stop();
  });

  const createIntent = async () => {
    const started = Date.now();
    const response = await api.request('POST', '/v1/payment-intents', { key, body: createBody() });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return Date.now() - started;
  };

  it('loses no event, and the API keeps accepting commands while Redis is down', async () => {
    let up = false;
    receiver.respond = () => ({ status: up ? 204 : 500 });
    const { id, secret } = await subscribe(api, key, receiver.url, ['payment_intent.created']);

    // Deliveries in flight: queued, attempted, failing, with retries waiting in Redis.
    for (let i = 0; i < 5; i += 1) await createIntent();
    await waitUntil(() => byWebhookId(receiver.received).size === 5, {
      message: 'the first five deliveries',
    });

    await redis.stop();
    const ready = await api.request('GET', '/health/ready');
    assert.equal(ready.status, 503, 'readiness reports the queue down');
    for (let i = 0; i < 5; i += 1) {
      const ms = await createIntent();
      assert.ok(ms < 5_000, `a command took ${ms} ms while Redis was down`);
    }

    await redis.start(); // empty: every queued job is gone
    up = true;
    await waitUntil(
      async () => {
        const deliveries = await deliveriesOf(api, key, id);
        return deliveries.length === 10 && deliveries.every((delivery) => delivery.status === 'succeeded');
      },
      { timeoutMs: 60_000, intervalMs: 200, message: 'all ten deliveries to succeed' },
    );

    const deliveries = await deliveriesOf(api, key, id);
    const groups = byWebhookId(receiver.received);
    for (const delivery of deliveries) {
      const attempts = groups.get(delivery.id) ?? [];
      assert.ok(attempts.length > 0, `nothing received for ${delivery.id}`);
      for (const attempt of attempts) assert.equal(verified(secret, attempt).type, 'payment_intent.created');
      assert.equal(delivery.attempts.at(-1).statusCode, 204);
    }
    const intents = new Set(
      [...groups.values()].map((attempts) => verified(secret, attempts[0]!).data.id as string),
    );
    assert.equal(intents.size, 10);
  });
});
