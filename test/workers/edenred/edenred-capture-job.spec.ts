import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/infrastructure/clock';
import type { PaymentIntentState } from '../../../src/domain/payment-intent/payment-intent.state';
import type { Job } from '../../../src/infrastructure/job-queue/job-queue';
import {
  edenredCaptureHandler,
  type EdenredCaptureJob,
} from '../../../src/workers/edenred/edenred-capture-job';
import { edenredServicesFor } from '../../support/edenred-flow';
import { edenredError } from '../../support/fake-edenred-client';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const USER = 'driver@example.com';

describe('Edenred capture job: captured exactly once, every error class in its state', () => {
  let store: InMemoryEventStore;
  let clock: ManualClock;
  let flow: ReturnType<typeof edenredServicesFor>;

  beforeEach(() => {
    store = new InMemoryEventStore();
    clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
    flow = edenredServicesFor(store, clock);
  });

  const intent = async (id: string): Promise<PaymentIntentState> =>
    (await flow.paymentIntents.load(id)).state;
  const eventTypes = async (id: string) =>
    (await store.readStream(`payment_intent-${id}`)).map((event) => event.type);

  it('captures the final amount with an order_ref recorded before the call', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    await flow.runCapture(id);
    const state = await intent(id);
    assert.equal(state.status, 'captured');
    assert.equal(state.status === 'captured' && state.amountCaptured, 6_000);
    assert.deepEqual((await eventTypes(id)).slice(-3), [
      'PaymentIntentCaptureRequested',
      'PaymentIntentEdenredOrderRefAssigned',
      'PaymentIntentCaptured',
    ]);
    assert.equal(flow.edenred.balances.get(USER), 44_000);
    assert.equal(flow.edenred.createCount(1000), 1);
    await flow.runCapture(id);
    assert.equal(flow.edenred.createCount(), 1, 'a repeat of the job calls nothing');
  });

  it('a timeout after Edenred recorded the capture: the retry finds it, nothing is charged twice', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    flow.edenred.failNext('createTransaction', edenredError('retry_later', 'TIMEOUT'), {
      afterRecording: true,
    });
    await assert.rejects(flow.runCapture(id, 1), /TIMEOUT/);
    assert.equal((await intent(id)).status, 'capture_pending');
    await flow.runCapture(id, 2);
    assert.equal((await intent(id)).status, 'captured');
    assert.equal(flow.edenred.createCount(), 1);
    assert.equal(flow.edenred.balances.get(USER), 44_000);
  });

  it('a worker killed between the order_ref and the call: the retry sends the same order_ref once', async () => {
    let crash = true;
    flow = edenredServicesFor(store, clock, {
      hooks: {
        afterOrderRefAssigned: () => {
          if (crash) throw new Error('killed');
        },
      },
    });
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    await assert.rejects(flow.runCapture(id), /killed/);
    crash = false;
    await flow.runCapture(id);
    assert.equal((await intent(id)).status, 'captured');
    assert.deepEqual(
      flow.edenred.calls.filter((call) => call.method === 'createTransaction').map((call) => call.orderRef),
      [1000],
    );
  });

  it('retry_later (TRY_AGAIN, 429, 5xx) is retried with the same order_ref', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    flow.edenred.failNext('createTransaction', edenredError('retry_later', 'TRY_AGAIN'));
    flow.edenred.failNext('createTransaction', edenredError('retry_later', 'HTTP_503', 503));
    await assert.rejects(flow.runCapture(id, 1));
    await assert.rejects(flow.runCapture(id, 2));
    await flow.runCapture(id, 3);
    assert.equal((await intent(id)).status, 'captured');
    const refs = flow.edenred.calls
      .filter((call) => call.method === 'createTransaction')
      .map((c) => c.orderRef);
    assert.deepEqual(refs, [1000, 1000, 1000]);
  });

  it('TRANSACTION_DUPLICATED with nothing recorded is sent again later under the same order_ref', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    const before = flow.edenred.calls.filter((call) => call.method === 'createTransaction').length;
    flow.edenred.failNext('createTransaction', edenredError('ambiguous', 'TRANSACTION_DUPLICATED', 409));
    await assert.rejects(flow.runCapture(id, 1), /TRANSACTION_DUPLICATED/);
    await flow.runCapture(id, 2);
    assert.equal((await intent(id)).status, 'captured');
    assert.equal(flow.edenred.balances.get(USER), 44_000);
    const refs = flow.edenred.calls
      .filter((call) => call.method === 'createTransaction')
      .slice(before)
      .map((c) => c.orderRef);
    assert.equal(new Set(refs).size, 1);
  });

  it('REPEATING_REQUEST with nothing recorded: a fresh, higher order_ref replaces the refused one', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    const before = flow.edenred.calls.filter((call) => call.method === 'createTransaction').length;
    flow.edenred.failNext('createTransaction', edenredError('ambiguous', 'REPEATING_REQUEST', 409));
    await assert.rejects(flow.runCapture(id, 1), /REPEATING_REQUEST|repeated/);
    await flow.runCapture(id, 2);
    const state = await intent(id);
    assert.equal(state.status, 'captured');
    const refs = flow.edenred.calls
      .filter((call) => call.method === 'createTransaction')
      .slice(before)
      .map((c) => c.orderRef as number);
    assert.equal(refs.length, 2);
    assert.ok(refs[1]! > refs[0]!);
    const assigned = (await store.readStream(`payment_intent-${id}`)).filter(
      (event) => event.type === 'PaymentIntentEdenredOrderRefAssigned',
    );
    assert.deepEqual(
      assigned.map((event) => {
        const data = event.data as { orderRef: number; replacedOrderRef?: number };
        return [data.orderRef, data.replacedOrderRef];
      }),
      [
        [refs[0], undefined],
        [refs[1], refs[0]],
      ],
    );
    assert.equal(flow.edenred.balances.get(USER), 44_000);
  });

  for (const [errorClass, code] of [
    ['declined', 'INADEQUATE_BALANCE'],
    ['declined', 'DAILY_TRANSACTION_AMOUNT_EXCEEDED'],
    ['configuration', 'INVALID_MERCHANT'],
  ] as const) {
    it(`${errorClass} (${code}) ends in capture_failed with the code and the whole amount owed`, async () => {
      const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
      flow.edenred.failNext('createTransaction', edenredError(errorClass, code, 422));
      await flow.runCapture(id);
      const state = await intent(id);
      assert.equal(state.status, 'capture_failed');
      assert.equal(state.status === 'capture_failed' && state.amountOwed, 6_000);
      const failed = (await store.readStream(`payment_intent-${id}`)).at(-1);
      assert.equal(failed?.type, 'PaymentIntentCaptureFailed');
      assert.equal((failed?.data as { code: string }).code, code);
      assert.equal((failed?.data as { errorClass: string }).errorClass, errorClass);
      assert.equal(flow.edenred.balances.get(USER), 50_000);
    });
  }

  it('a refused token is refreshed once (recorded as an event) and the capture goes through', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const id = await flow.pendingCapture(linkId);
    flow.edenred.expireAccessTokens();
    await flow.runCapture(id);
    assert.equal((await intent(id)).status, 'captured');
    const linkEvents = (await store.readStream(`edenred_link-${linkId}`)).map((event) => event.type);
    assert.deepEqual(linkEvents, ['EdenredLinkStarted', 'EdenredLinkLoggedIn', 'EdenredLinkTokensRefreshed']);
  });

  it('an access token about to expire is refreshed before use', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const id = await flow.pendingCapture(linkId);
    clock.advance(3_600_000 - 30_000);
    await flow.runCapture(id);
    assert.equal((await intent(id)).status, 'captured');
    assert.equal(flow.edenred.calls.filter((call) => call.method === 'refresh').length, 1);
  });

  it('reauthenticate after a refused refresh: the link needs a login, the intent capture_failed', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const id = await flow.pendingCapture(linkId);
    flow.edenred.expireAccessTokens();
    flow.edenred.revokeRefreshTokens();
    await flow.runCapture(id);
    const state = await intent(id);
    assert.equal(state.status, 'capture_failed');
    assert.equal((await flow.links.load(linkId)).state.status, 'login_required');
    assert.equal(flow.edenred.transactions.size, 0);
    assert.equal(flow.edenred.balances.get(USER), 50_000);
  });

  it('a partial authorization captures what was granted and records the difference as owed', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const id = await flow.pendingCapture(linkId, 6_000);
    flow.edenred.balances.set(USER, 4_500); // spent elsewhere during the charge
    flow.edenred.partialAuthorization = true;
    await flow.runCapture(id);
    const state = await intent(id);
    assert.equal(state.status, 'captured');
    const captured = (await store.readStream(`payment_intent-${id}`)).at(-1);
    assert.deepEqual((captured?.data as { edenred: object }).edenred, {
      orderRef: 1000,
      code: 'PARTIAL_AUTH',
      authorizationId: (captured?.data as { edenred: { authorizationId: string } }).edenred.authorizationId,
      captureId: (captured?.data as { edenred: { captureId: string } }).edenred.captureId,
      amountOwed: 1_500,
    });
    assert.equal((captured?.data as { amountCaptured: number }).amountCaptured, 4_500);
  });

  it('a capture whose order_ref cannot be taken is retried and, past the bound, reaches an operator', async () => {
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    const broken = edenredCaptureHandler({
      ...flow.captureDeps,
      orderRefs: { allocate: () => Promise.reject(new Error('the order_ref counter is unavailable')) },
    });
    const run = () =>
      broken({
        id: 'job-x',
        name: 'capture',
        data: { paymentIntentId: id },
        attempt: 1,
      } as Job<EdenredCaptureJob>);
    await assert.rejects(run(), /counter is unavailable/);
    assert.ok(!(await eventTypes(id)).includes('PaymentIntentCaptureNeedsAttention'), 'not before the bound');
    clock.advance(61 * 60_000);
    await assert.rejects(run(), /counter is unavailable/);
    await assert.rejects(run(), /counter is unavailable/);
    const types = await eventTypes(id);
    assert.equal(types.filter((type) => type === 'PaymentIntentCaptureNeedsAttention').length, 1);
    const state = await intent(id);
    assert.deepEqual(
      [state.status, state.status === 'capture_pending' && state.orderRef],
      ['capture_pending', null],
    );
    assert.equal(flow.edenred.calls.filter((call) => call.method === 'createTransaction').length, 0);
  });

  it('order_refs strictly increase and each payment gets its own', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const ids = [await flow.pendingCapture(linkId, 1_000), await flow.pendingCapture(linkId, 1_000)];
    await Promise.all(ids.map((id) => flow.runCapture(id)));
    const refs = flow.edenred.calls
      .filter((call) => call.method === 'createTransaction')
      .map((c) => c.orderRef);
    assert.deepEqual([...refs].sort(), [1000, 1001]);
  });

  it('no token reaches an event or a log line', async () => {
    const linkId = await flow.linkedWallet(USER, 50_000);
    const id = await flow.pendingCapture(linkId);
    flow.edenred.failNext('createTransaction', edenredError('retry_later', 'TIMEOUT'), {
      afterRecording: true,
    });
    await assert.rejects(flow.runCapture(id, 1));
    flow.edenred.expireAccessTokens();
    await flow.runCapture(id, 2);
    assert.equal((await flow.paymentIntents.load(id)).state.status, 'captured');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const events = (await store.readAll()).map(({ type, data, metadata }) => ({ type, data, metadata }));
    const everything = JSON.stringify(events) + flow.logLines.join('\n');
    assert.ok(flow.logLines.length > 0, 'the flow logged something');
    assert.ok(flow.edenred.issuedSecrets.length >= 6);
    for (const secret of [...flow.edenred.issuedSecrets, USER]) {
      assert.ok(!everything.includes(secret), 'a token or the username leaked');
    }
  });
});
