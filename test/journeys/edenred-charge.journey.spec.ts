import assert from 'node:assert/strict';
import { RedisServer } from '../support/redis-server';
import { waitUntil } from '../support/wait-until';
import { energyTariff } from '../http/adhoc-charges.fixtures';
import { leakedSecrets, startEdenredJourney, type EdenredJourney } from './edenred-journey.fixtures';

const QUEUES = ['embedded (in-process queue)', 'BullMQ (real Redis)'] as const;

for (const queue of QUEUES) {
  describe(`Journey: a charge paid with Edenred, real client against the simulator over HTTP, ${queue}`, function () {
    this.timeout(60_000);
    let j: EdenredJourney;
    let redis: RedisServer | undefined;
    const logins: string[] = [];

    before(async () => {
      if (queue.startsWith('BullMQ')) redis = await RedisServer.start();
      j = await startEdenredJourney(redis ? { REDIS_URL: redis.url } : {});
      await j.h.putTariff('energy', energyTariff);
    });
    after(async () => {
      await j?.close();
      await redis?.stop();
    });

    const wallet = async (balance: number) => {
      const linked = await j.linkedWallet(balance);
      logins.push(linked.login);
      return linked;
    };
    const capture = async (id: string, amount: number) => {
      const response = await j.call('POST', `/v1/payment-intents/${id}/capture`, { amount });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    };
    const requestsFor = (orderRef: number) =>
      j.simulator.transactionRequests().filter((body) => Number(body.order_ref) === orderRef);

    /** A charge on the intent, 2.000 kWh x 7.50 = 15.00 TRY, 18.00 TRY with VAT, completed by the terminal. */
    const chargeOn = async (intentId: string, station: string) => {
      const started = await j.h.start({
        paymentIntentId: intentId,
        tariffId: 'energy',
        stationId: `IST-EDENRED-${station}-${queue.length}`,
        connectorId: '1',
      });
      const active = await j.h.waitForCharge(started.id, (charge) => charge.status === 'active');
      const progress = await j.h.reading(active, 10, 1_000);
      assert.equal(progress.status, 200, JSON.stringify(progress.body));
      const at = new Date(Date.parse(active.activatedAt) + 20 * 60_000);
      j.h.clock.set(at);
      const completed = await j.h.complete(started.id, {
        reading: { meterWh: 2_000, measuredAt: at.toISOString() },
      });
      assert.equal(completed.status, 200, JSON.stringify(completed.body));
      assert.equal(completed.body.amountDue, 1_800);
      return started;
    };
    /** The charge's settlement once its asynchronous capture has ended (never left capture_pending). */
    const finalSettlement = async (chargeId: string) => {
      const charge = await j.h.waitForCharge(
        chargeId,
        (candidate) => candidate.settlement !== null && candidate.settlement.outcome !== 'capture_pending',
      );
      const webhook = await j.waitForWebhook(chargeId, 'charge.capture_settled');
      assert.deepEqual(webhook.data.settlement, charge.settlement, 'the webhook carries the final state');
      return charge.settlement;
    };

    it('link -> intent -> capped authorization -> charge start, progress, stop -> captured once', async () => {
      const { linkId, login } = await wallet(30_000);
      const intent = await j.authorizedIntent(linkId, 50_000);
      assert.equal(intent.amountAuthorized, 30_000, 'capped to what Edenred says can be spent');
      const started = await chargeOn(intent.id, 'captured');
      assert.equal(started.amountAuthorized, 30_000);

      const captured = await j.waitForIntent(intent.id, 'captured');
      assert.deepEqual(
        [captured.amountCaptured, captured.edenred.code, captured.edenred.amountOwed, captured.chargeId],
        [1_800, 'SUCCESS', 0, started.id],
      );
      const webhook = await j.waitForWebhook(intent.id, 'payment_intent.captured');
      assert.equal(webhook.data.amountCaptured, 1_800);
      assert.ok(j.webhooksOf(intent.id).some((payload) => payload.type === 'payment_intent.capture_pending'));
      const settlement = await finalSettlement(started.id);
      assert.deepEqual(
        [settlement.outcome, settlement.amountCaptured, settlement.amountOwed, settlement.failureCode],
        ['captured', 1_800, 0, null],
        'the charge follows its capture to the end',
      );
      assert.ok(settlement.captureSettledAt);

      const orderRef = captured.edenred.orderRef as number;
      assert.equal(requestsFor(orderRef).length, 1, 'one POST /v2/transactions');
      const atEdenred = j.simulator.transactions().filter((t) => t.orderRef === orderRef);
      assert.deepEqual(
        atEdenred.map((t) => [t.status, t.capturedAmount]),
        [['captured', 1_800]],
      );
      assert.equal(j.simulator.user(login)?.balance, 30_000 - 1_800);
    });

    it('a charge whose Edenred capture is declined ends failed, the whole amount due owed', async () => {
      const { linkId, login } = await wallet(30_000);
      const intent = await j.authorizedIntent(linkId, 20_000);
      j.simulator.failNext({
        operation: 'transaction',
        httpStatus: 400,
        code: 'INADEQUATE_BALANCE',
        count: 1,
      });
      const started = await chargeOn(intent.id, 'declined');
      await j.waitForIntent(intent.id, 'capture_failed');
      const settlement = await finalSettlement(started.id);
      assert.deepEqual(
        [settlement.outcome, settlement.amountCaptured, settlement.amountOwed, settlement.failureCode],
        ['failed', 0, 1_800, 'INADEQUATE_BALANCE'],
      );
      assert.equal(j.simulator.user(login)?.balance, 30_000, 'nothing taken');
    });

    it('a charge whose Edenred card grants part: captured what was granted, the rest owed on the charge', async () => {
      const { linkId, login } = await wallet(30_000);
      const intent = await j.authorizedIntent(linkId, 20_000);
      j.simulator.updateUser(login, { balance: 1_000, partialAuthorization: true });
      const started = await chargeOn(intent.id, 'partial');
      const settlement = await finalSettlement(started.id);
      assert.deepEqual(
        [settlement.outcome, settlement.amountCaptured, settlement.amountOwed],
        ['captured', 1_000, 800],
      );
    });

    it('the capture call times out after Edenred recorded it: found by its order_ref, captured once', async () => {
      const { linkId, login } = await wallet(20_000);
      const intent = await j.authorizedIntent(linkId, 10_000);
      j.simulator.recordThenHangNext();
      await capture(intent.id, 7_000);
      const captured = await j.waitForIntent(intent.id, 'captured');
      assert.equal(captured.amountCaptured, 7_000);
      assert.equal(requestsFor(captured.edenred.orderRef).length, 1, 'never sent again');
      assert.equal(j.simulator.user(login)?.balance, 13_000);
      await j.waitForWebhook(intent.id, 'payment_intent.captured');
    });

    const failures = [
      { errorClass: 'retry_later', httpStatus: 400, code: 'TRY_AGAIN', count: 2, status: 'captured' },
      { errorClass: 'retry_later', httpStatus: 503, code: undefined, count: 1, status: 'captured' },
      {
        errorClass: 'declined',
        httpStatus: 400,
        code: 'INADEQUATE_BALANCE',
        count: 1,
        status: 'capture_failed',
      },
      {
        errorClass: 'declined',
        httpStatus: 400,
        code: 'CARD_TEMPORARY_BLOCKED',
        count: 1,
        status: 'capture_failed',
      },
      {
        errorClass: 'configuration',
        httpStatus: 400,
        code: 'INVALID_MERCHANT',
        count: 1,
        status: 'capture_failed',
      },
      // Refused, refreshed, refused again: the link needs a new login, the intent a final answer.
      {
        errorClass: 'reauthenticate',
        httpStatus: 401,
        code: 'USER_INACTIVE',
        count: 2,
        status: 'capture_failed',
      },
    ] as const;
    for (const failure of failures) {
      it(`${failure.errorClass} (${failure.code ?? `HTTP ${failure.httpStatus}`}) ends ${failure.status} with its webhook`, async () => {
        const { linkId, login } = await wallet(20_000);
        const intent = await j.authorizedIntent(linkId, 10_000);
        j.simulator.failNext({
          operation: 'transaction',
          httpStatus: failure.httpStatus,
          ...(failure.code ? { code: failure.code } : {}),
          count: failure.count,
        });
        await capture(intent.id, 6_000);
        const ended = await j.waitForIntent(intent.id, failure.status);
        if (failure.status === 'captured') {
          assert.deepEqual([ended.amountCaptured, ended.edenred.amountOwed], [6_000, 0]);
          assert.equal(j.simulator.user(login)?.balance, 14_000);
          await j.waitForWebhook(intent.id, 'payment_intent.captured');
          return;
        }
        assert.deepEqual(
          [ended.amountCaptured, ended.edenred.code, ended.edenred.amountOwed],
          [0, failure.code, 6_000],
        );
        assert.equal(j.simulator.user(login)?.balance, 20_000, 'nothing taken');
        const webhook = await j.waitForWebhook(intent.id, 'payment_intent.capture_failed');
        assert.deepEqual([webhook.data.edenred.code, webhook.data.edenred.amountOwed], [failure.code, 6_000]);
        if (failure.errorClass === 'reauthenticate') {
          const link = await j.call('GET', `/v1/edenred/links/${linkId}`);
          assert.equal(link.body.status, 'login_required');
        }
      });
    }

    it('PARTIAL_AUTH: captures what was granted and records the difference as owed', async () => {
      const { linkId, login } = await wallet(20_000);
      const intent = await j.authorizedIntent(linkId, 10_000);
      // Spent elsewhere during the charge (Edenred holds nothing); this card grants what is left.
      j.simulator.updateUser(login, { balance: 2_500, partialAuthorization: true });
      await capture(intent.id, 6_000);
      const captured = await j.waitForIntent(intent.id, 'captured');
      assert.deepEqual(
        [captured.amountCaptured, captured.edenred.code, captured.edenred.amountOwed],
        [2_500, 'PARTIAL_AUTH', 3_500],
      );
      const webhook = await j.waitForWebhook(intent.id, 'payment_intent.captured');
      assert.deepEqual([webhook.data.amountCaptured, webhook.data.edenred.amountOwed], [2_500, 3_500]);
      assert.equal(j.simulator.user(login)?.balance, 0);
    });

    it('captures sent out of allocation order: the refused lower order_ref is replaced, captured once', async () => {
      const a = await wallet(20_000);
      const b = await wallet(20_000);
      const first = await j.authorizedIntent(a.linkId, 10_000);
      const second = await j.authorizedIntent(b.linkId, 10_000);
      // The first capture's call is held unprocessed until the client gives up; the second overtakes it.
      j.simulator.hangNext({ operation: 'transaction' });
      const calls = j.simulator.calls('transaction');
      await capture(first.id, 5_000);
      await waitUntil(() => j.simulator.calls('transaction') === calls + 1, { message: 'the held call' });
      await capture(second.id, 4_000);
      const overtaking = await j.waitForIntent(second.id, 'captured');
      const replaced = await j.waitForIntent(first.id, 'captured');
      assert.equal(replaced.amountCaptured, 5_000);
      const assigned = (await j.h.intentEvents(first.id))
        .filter((event) => event.type === 'PaymentIntentEdenredOrderRefAssigned')
        .map((event) => event.data as { orderRef: number; replacedOrderRef?: number });
      assert.equal(assigned.length, 2);
      assert.ok(assigned[0]!.orderRef < overtaking.edenred.orderRef, 'allocated first, sent after');
      assert.equal(assigned[1]!.replacedOrderRef, assigned[0]!.orderRef);
      assert.equal(replaced.edenred.orderRef, assigned[1]!.orderRef);
      assert.ok(replaced.edenred.orderRef > overtaking.edenred.orderRef);
      const ofA = j.simulator.transactions().filter((t) => t.userId === j.simulator.user(a.login)?.id);
      assert.deepEqual(
        ofA.map((t) => [t.orderRef, t.status, t.capturedAmount]),
        [[replaced.edenred.orderRef, 'captured', 5_000]],
      );
      assert.equal(j.simulator.user(a.login)?.balance, 15_000);
    });

    it('a capture Edenred keeps refusing past the bound is handed to an operator once, still pending', async () => {
      const { linkId, login } = await wallet(20_000);
      const intent = await j.authorizedIntent(linkId, 10_000);
      j.simulator.failNext({ operation: 'transaction', httpStatus: 400, code: 'TRY_AGAIN', count: 3 });
      const calls = j.simulator.calls('transaction');
      await capture(intent.id, 5_000);
      await waitUntil(() => j.simulator.calls('transaction') === calls + 1, { message: 'the first refusal' });
      assert.equal(j.webhooksOf(intent.id).filter((p) => p.type.endsWith('needs_attention')).length, 0);
      j.h.clock.set(new Date(j.h.clock.now().getTime() + 61 * 60_000)); // past the 60-minute default

      const flagged = await j.waitForWebhook(intent.id, 'payment_intent.capture_needs_attention');
      assert.deepEqual([flagged.data.status, flagged.data.edenred.code], ['capture_pending', 'TRY_AGAIN']);
      const metric = await j.h.api.gateway.metrics.registry
        .getSingleMetric('edenred_captures_flagged_for_attention_total')
        ?.get();
      assert.ok((metric?.values[0]?.value ?? 0) >= 1);

      // Neither failed nor captured by the flag: Edenred's later answer still settles it, once.
      const captured = await j.waitForIntent(intent.id, 'captured', 30_000);
      assert.equal(captured.amountCaptured, 5_000);
      const types = (await j.h.intentEvents(intent.id)).map((event) => event.type);
      assert.equal(types.filter((type) => type === 'PaymentIntentCaptureNeedsAttention').length, 1);
      assert.equal(j.simulator.user(login)?.balance, 15_000);
    });

    it('order_refs Edenred processed strictly increase and none is reused for another payment', async () => {
      const processed = j.simulator.transactions().map((t) => t.orderRef);
      assert.ok(processed.length >= 5);
      for (let i = 1; i < processed.length; i += 1) {
        assert.ok(processed[i]! > processed[i - 1]!, `order_ref ${processed[i]} after ${processed[i - 1]}`);
      }
      const byOrderRef = new Map<number, Set<string>>();
      for (const event of await j.h.api.allEvents()) {
        if (event.type !== 'EdenredOrderRefAllocated') continue;
        const { orderRef, paymentIntentId } = event.data as { orderRef: number; paymentIntentId: string };
        byOrderRef.set(orderRef, (byOrderRef.get(orderRef) ?? new Set()).add(paymentIntentId));
      }
      for (const [orderRef, intents] of byOrderRef) assert.equal(intents.size, 1, `order_ref ${orderRef}`);
    });

    it('no token, code, secret or Edenred login in any response, webhook or log line of the journey', async () => {
      await waitUntil(() => j.logLines.length > 20, { message: 'the gateway logged' });
      const haystack = [
        JSON.stringify(j.responses.map((response) => response.body)),
        j.receiver.received.map((webhook) => webhook.body).join('\n'),
        j.logLines.join('\n'),
      ].join('\n');
      assert.ok(j.logLines.some((line) => line.includes('Edenred capture recorded')));
      assert.deepEqual(leakedSecrets(haystack, j.simulator, logins), []);
    });
  });
}
