import assert from 'node:assert/strict';
import { RedisServer } from '../support/redis-server';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { WEBHOOK_SCOPES, authorizedIntent, byWebhookId, deliveriesOf, subscribe } from './webhooks.fixtures';

/**
 * A slow subscriber builds a queue of first attempts longer than the reconciler's grace. The reconciler
 * must not queue those deliveries a second time while their group jobs are still queued or running
 * (decision 0039): each is sent once.
 */
for (const queue of ['in-process', 'BullMQ'] as const) {
  describe(`HTTP: a backlog of first attempts past the reconciler grace is sent once (${queue})`, function () {
    this.timeout(60_000);
    let redis: RedisServer | undefined;
    let receiver: WebhookReceiver;
    let api: TestGateway;

    before(async () => {
      if (queue === 'BullMQ') redis = await RedisServer.start();
      receiver = await startWebhookReceiver();
      receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve({ status: 204 }), 150));
      api = await startTestGateway({
        env: {
          ...(redis ? { REDIS_URL: redis.url } : {}),
          WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
          WEBHOOK_DELIVERY_CONCURRENCY: '3',
          WEBHOOK_RECONCILE_INTERVAL_MS: '50',
          WEBHOOK_RECONCILE_GRACE_MS: '50',
        },
      });
    });
    after(async () => {
      await api?.close();
      await receiver?.close();
      await redis?.stop();
    });

    it('sends each delivery once, however long it waited in the queue', async () => {
      const key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
      const { id } = await subscribe(api, key, receiver.url);
      for (let i = 0; i < 4; i += 1) await authorizedIntent(api, key);
      await waitUntil(
        async () => {
          const deliveries = await deliveriesOf(api, key, id);
          return deliveries.length === 8 && deliveries.every((delivery) => delivery.status === 'succeeded');
        },
        { message: 'all eight deliveries to succeed', timeoutMs: 20_000 },
      );
      const sent = byWebhookId(receiver.received);
      assert.equal(sent.size, 8);
      for (const [webhookId, attempts] of sent) assert.equal(attempts.length, 1, `${webhookId} sent twice`);
      for (const delivery of await deliveriesOf(api, key, id)) assert.equal(delivery.attemptCount, 1);
    });
  });
}
