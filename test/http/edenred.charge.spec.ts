import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { FakeEdenred } from '../support/fake-edenred-client';
import { energyTariff, startChargingHarness, type ChargingHarness } from './adhoc-charges.fixtures';

const USER = 'driver@example.com';

describe('HTTP: an ad-hoc charge paid with Edenred, start to capture (embedded default)', function () {
  this.timeout(60_000);
  let h: ChargingHarness;
  let edenred: FakeEdenred;

  before(async () => {
    h = await startChargingHarness(
      {},
      {
        edenredClient: (clock) => {
          edenred = new FakeEdenred(clock);
          return edenred;
        },
      },
    );
    await h.putTariff('energy', energyTariff);
    await h.putTariff('preauth', { ...energyTariff, preauthorizeAmount: 40_000 });
  });
  after(() => h.close());

  const request = (method: string, path: string, body?: unknown) =>
    h.api.request(method, path, { key: h.key, ...(body === undefined ? {} : { body }) });

  const edenredIntent = async (balance: number, amount = 50_000) => {
    const started = await request('POST', '/v1/edenred/links', { name: 'driver' });
    const state = new URL(started.body.authorizationUrl).searchParams.get('state') as string;
    const query = new URLSearchParams({ state, code: edenred.loginCode(USER, balance) });
    assert.equal(
      (await h.api.request('GET', `/v1/edenred/callback?${query.toString()}`)).body.status,
      'linked',
    );
    const created = await request('POST', '/v1/payment-intents', {
      amount,
      paymentMethodType: 'edenred',
      edenredLinkId: started.body.id,
      terminalId: 'trm_1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const authorized = await request('POST', `/v1/payment-intents/${created.body.id}/authorize`, { amount });
    assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
    return authorized.body;
  };

  it("refuses to start when what Edenred can spend is below the tariff's pre-authorization", async () => {
    const intent = await edenredIntent(30_000);
    assert.equal(intent.amountAuthorized, 30_000);
    const refused = await request('POST', '/v1/adhoc-charges/start', {
      paymentIntentId: intent.id,
      tariffId: 'preauth',
      stationId: 'IST-EDENRED-1',
      connectorId: '1',
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'preauthorization_insufficient');
  });

  it('charges within the spendable amount, settles as capture_pending, captures once through the worker, and the charge follows', async () => {
    const intent = await edenredIntent(30_000);
    const started = await h.start({
      paymentIntentId: intent.id,
      tariffId: 'energy',
      stationId: 'IST-EDENRED-2',
      connectorId: '1',
    });
    assert.deepEqual([started.amountAuthorized, started.stopThreshold], [30_000, 29_500]);
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    const at = new Date(Date.parse(active.activatedAt) + 20 * 60_000);
    h.clock.set(at);
    // 2.000 kWh x 7.50 = 15.00 TRY, 18.00 TRY with VAT.
    const completed = await h.complete(started.id, {
      reading: { meterWh: 2_000, measuredAt: at.toISOString() },
    });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.equal(completed.body.amountDue, 1_800);

    const captured = await eventually(async () => {
      const read = await request('GET', `/v1/payment-intents/${intent.id}`);
      assert.equal(read.body.status, 'captured');
      return read.body;
    });
    assert.deepEqual(
      [captured.amountCaptured, captured.edenred.code, captured.edenred.amountOwed, captured.chargeId],
      [1_800, 'SUCCESS', 0, started.id],
    );
    const settled = await h.waitForCharge(
      started.id,
      (charge) => charge.settlement !== null && charge.settlement.outcome !== 'capture_pending',
    );
    assert.deepEqual(
      [settled.settlement.outcome, settled.settlement.amountCaptured, settled.settlement.amountOwed],
      ['captured', 1_800, 0],
    );
    assert.equal(edenred.transactions.size, 1);
    assert.equal(edenred.balances.get(USER), 30_000 - 1_800);
    const events = (await h.intentEvents(intent.id)).map((event) => event.type);
    assert.deepEqual(events.slice(-4), [
      'PaymentIntentLinkedToCharge',
      'PaymentIntentCaptureRequested',
      'PaymentIntentEdenredOrderRefAssigned',
      'PaymentIntentCaptured',
    ]);
  });
});
