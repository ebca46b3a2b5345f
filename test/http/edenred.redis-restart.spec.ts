import assert from 'node:assert/strict';
import { systemClock } from '../../src/infrastructure/clock';
import { edenredError, FakeEdenred } from '../support/fake-edenred-client';
import { RedisServer } from '../support/redis-server';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { waitUntil } from '../support/wait-until';

const USER = 'driver@example.com';

describe('HTTP: an Edenred capture on BullMQ survives a Redis restart, captured exactly once', function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let api: TestGateway;
  let key: string;
  const edenred = new FakeEdenred(systemClock);

  before(async () => {
    redis = await RedisServer.start();
    api = await startTestGateway({
      edenredClient: edenred,
      env: { REDIS_URL: redis.url, EDENRED_CAPTURE_SWEEP_INTERVAL_MS: '200' },
    });
    key = await api.issueKey();
  });
  after(async () => {
    await api?.close();
    await redis?.stop();
  });

  const request = (method: string, path: string, body?: unknown) =>
    api.request(method, path, { key, ...(body === undefined ? {} : { body }) });

  it('the answer lost in a timeout, then the retry lost with Redis: the sweep finds the capture at Edenred', async () => {
    const link = await request('POST', '/v1/edenred/links', { name: 'fleet' });
    const state = new URL(link.body.authorizationUrl).searchParams.get('state') as string;
    const query = new URLSearchParams({ state, code: edenred.loginCode(USER, 50_000) });
    assert.equal((await api.request('GET', `/v1/edenred/callback?${query.toString()}`)).status, 200);
    const created = await request('POST', '/v1/payment-intents', {
      amount: 10_000,
      paymentMethodType: 'edenred',
      edenredLinkId: link.body.id,
    });
    await request('POST', `/v1/payment-intents/${created.body.id}/authorize`, { amount: 10_000 });

    edenred.failNext('createTransaction', edenredError('retry_later', 'TIMEOUT'), { afterRecording: true });
    assert.equal((await request('POST', `/v1/payment-intents/${created.body.id}/capture`, {})).status, 200);
    await waitUntil(() => edenred.createCount() === 1, { message: 'the first call' });
    await redis.stop(); // the job's retry, waiting in Redis, is gone with it
    await redis.start();

    await waitUntil(
      async () => (await request('GET', `/v1/payment-intents/${created.body.id}`)).body.status === 'captured',
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: 'captured after the restart',
      },
    );
    const intent = (await request('GET', `/v1/payment-intents/${created.body.id}`)).body;
    assert.deepEqual([intent.amountCaptured, intent.edenred.amountOwed], [10_000, 0]);
    assert.equal(edenred.transactions.size, 1);
    assert.equal(edenred.createCount(), 1, 'never sent again: found at Edenred by its order_ref');
    assert.ok(edenred.calls.some((call) => call.method === 'findTransaction'));
    assert.equal(edenred.balances.get(USER), 40_000);
  });
});
