import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
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

describe('HTTP: webhooks on the embedded default survive a restart (the in-process queue forgets its jobs)', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let api: TestGateway | undefined;

  const start = () =>
    startTestGateway({
      env: {
        EDGEPAY_DATA_DIR: dataDir,
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: ['0', ...Array.from({ length: 39 }, () => '100')].join(','),
        WEBHOOK_RECONCILE_INTERVAL_MS: '200',
        WEBHOOK_RECONCILE_GRACE_MS: '200',
      },
    });

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-webhooks-restart-'));
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await api?.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes every pending delivery after a restart and resends nothing already delivered', async () => {
    api = await start();
    const key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    const { id, secret } = await subscribe(api, key, receiver.url);
    await authorizedIntent(api, key);
    await waitUntil(() => receiver.received.length === 2, { message: 'the first two deliveries' });
    const delivered = [...byWebhookId(receiver.received).keys()];

    let up = false;
    receiver.respond = () => ({ status: up ? 200 : 500 });
    await authorizedIntent(api, key);
    await authorizedIntent(api, key);
    await waitUntil(() => byWebhookId(receiver.received).size === 6, { message: 'four failing deliveries' });
    await api.close(); // the queue, and every retry it held, is gone

    up = true;
    api = await start();
    const keyAfter = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    await waitUntil(
      async () => {
        const deliveries = await deliveriesOf(api!, keyAfter, id);
        return deliveries.length === 6 && deliveries.every((delivery) => delivery.status === 'succeeded');
      },
      { message: 'all six deliveries to succeed after the restart' },
    );

    const groups = byWebhookId(receiver.received);
    assert.equal(groups.size, 6);
    for (const webhookId of delivered)
      assert.equal(groups.get(webhookId)?.length, 1, 'resent after the restart');
    for (const attempts of groups.values()) for (const attempt of attempts) verified(secret, attempt);
    for (const delivery of await deliveriesOf(api, keyAfter, id)) {
      assert.equal(delivery.attempts.filter((attempt: any) => attempt.succeeded).length, 1);
      assert.equal(delivery.attemptCount, groups.get(delivery.id)?.length);
    }
  });
});
