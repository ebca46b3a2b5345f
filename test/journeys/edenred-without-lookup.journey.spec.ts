import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait-until';
import { startEdenredJourney, type EdenredJourney } from './edenred-journey.fixtures';

/**
 * EDENRED_TRANSACTION_LOOKUP off, as against the real Edenred until it confirms a lookup (decision 0029):
 * an unknown outcome is resolved by re-sending the same order_ref, and what stays unknown waits for an
 * operator instead of being charged twice or called failed.
 */
describe('Journey: Edenred captures without a transaction lookup (real client, simulator over HTTP)', function () {
  this.timeout(60_000);
  let j: EdenredJourney;

  before(async () => {
    j = await startEdenredJourney({ EDENRED_TRANSACTION_LOOKUP: 'false' });
  });
  after(() => j?.close());

  const pendingCapture = async (balance: number, amount: number) => {
    const linked = await j.linkedWallet(balance);
    const intent = await j.authorizedIntent(linked.linkId, 10_000);
    const response = await j.call('POST', `/v1/payment-intents/${intent.id}/capture`, { amount });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return { ...linked, id: intent.id as string };
  };
  const sentWith = (orderRef: number) =>
    j.simulator.transactionRequests().filter((body) => Number(body.order_ref) === orderRef).length;

  it('a call held unprocessed until the timeout: the same order_ref is sent again and captures once', async () => {
    j.simulator.hangNext({ operation: 'transaction' });
    const { id, login } = await pendingCapture(20_000, 6_000);
    const captured = await j.waitForIntent(id, 'captured');
    assert.equal(captured.amountCaptured, 6_000);
    assert.equal(j.simulator.calls('lookup'), 0);
    assert.equal(sentWith(captured.edenred.orderRef), 1, 'the held call never reached the ledger');
    assert.equal(j.simulator.user(login)?.balance, 14_000);
  });

  it('recorded, then no answer: the resend is a duplicate, the capture waits for an operator, charged once', async () => {
    const before = j.simulator.calls('transaction');
    j.simulator.recordThenHangNext();
    const { id, login } = await pendingCapture(20_000, 7_000);
    await waitUntil(() => j.simulator.calls('transaction') >= before + 2, { message: 'the resend' });
    // A sweep's job may resend while the first call still hangs: that call's timeout must come before the
    // clock jumps, or its answer (TIMEOUT) is the last one when the overdue capture is flagged.
    await waitUntil(() => j.simulator.heldRequests() === 0, { message: 'the held call timed out' });
    const pending = await j.intentOf(id);
    assert.equal(pending.status, 'capture_pending');
    j.h.clock.set(new Date(j.h.clock.now().getTime() + 61 * 60_000));
    const flagged = await j.waitForWebhook(id, 'payment_intent.capture_needs_attention');
    assert.deepEqual(
      [flagged.data.status, flagged.data.edenred.code],
      ['capture_pending', 'TRANSACTION_DUPLICATED'],
    );
    assert.ok(sentWith(pending.edenred.orderRef) >= 2, 'resent under the same order_ref');
    const ofUser = j.simulator.transactions().filter((t) => t.userId === j.simulator.user(login)?.id);
    assert.equal(ofUser.length, 1);
    assert.equal(j.simulator.user(login)?.balance, 13_000, 'charged once');
    assert.equal((await j.intentOf(id)).status, 'capture_pending', 'neither captured nor failed by guess');
  });
});
