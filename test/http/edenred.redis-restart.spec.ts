import assert from 'node:assert/strict';
import { RedisServer } from '../support/redis-server';
import { waitUntil } from '../support/wait-until';
import { startEdenredJourney, type EdenredJourney } from '../journeys/edenred-journey.fixtures';

describe('HTTP: an Edenred capture on BullMQ survives a Redis restart, captured exactly once (real client, simulator)', function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let j: EdenredJourney;

  before(async () => {
    redis = await RedisServer.start();
    j = await startEdenredJourney({ REDIS_URL: redis.url, EDENRED_CAPTURE_SWEEP_INTERVAL_MS: '200' });
  });
  after(async () => {
    await j?.close();
    await redis?.stop();
  });

  it('the answer lost in a timeout, then the retry lost with Redis: the sweep finds the capture at Edenred', async () => {
    const { linkId, login } = await j.linkedWallet(50_000);
    const intent = await j.authorizedIntent(linkId, 10_000);
    j.simulator.recordThenHangNext();
    const requested = await j.call('POST', `/v1/payment-intents/${intent.id}/capture`, {});
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    await waitUntil(() => j.simulator.calls('transaction') === 1, { message: 'the first call' });
    await redis.stop(); // the job's retry, waiting in Redis, is gone with it
    await redis.start();

    const captured = await j.waitForIntent(intent.id, 'captured', 30_000);
    assert.deepEqual([captured.amountCaptured, captured.edenred.amountOwed], [10_000, 0]);
    assert.equal(j.simulator.transactionRequests().length, 1, 'never sent again: found by its order_ref');
    assert.ok(j.simulator.calls('lookup') >= 1);
    assert.equal(j.simulator.transactions().length, 1);
    assert.equal(j.simulator.user(login)?.balance, 40_000);
  });
});
