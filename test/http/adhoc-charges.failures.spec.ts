import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { eventually } from '../support/eventually';
import {
  energyTariff,
  MINUTE,
  startChargingHarness,
  types,
  type ChargingHarness,
} from './adhoc-charges.fixtures';

const settlementEvents = (events: readonly RecordedEvent[]) =>
  events.filter((event) => event.type === 'PaymentIntentCaptured' || event.type === 'PaymentIntentVoided');

describe('HTTP: ad-hoc charges, failure paths (each ends in a defined state, the intent settled once)', function () {
  this.timeout(60_000);
  let h: ChargingHarness;

  before(async () => {
    h = await startChargingHarness({ CHARGE_START_TIMEOUT_SECONDS: '60' });
    await h.putTariff('energy', energyTariff);
  });
  after(() => h.close());

  const startOn = async (stationId: string, amount = 20_000) => {
    const intentId = await h.authorizedIntent(amount);
    const charge = await h.start({
      paymentIntentId: intentId,
      tariffId: 'energy',
      stationId,
      connectorId: '1',
    });
    return { intentId, charge };
  };

  it('the CPMS refuses the start: the charge fails and the intent is voided once', async () => {
    h.configureStation('ST-REFUSE', { start: 'refuse' });
    const { intentId, charge } = await startOn('ST-REFUSE');
    const failed = await h.waitForCharge(charge.id, (c) => c.settlement !== null);
    assert.deepEqual(
      [failed.status, failed.failure.reason, failed.settlement.outcome],
      ['failed', 'cpms_refused', 'voided'],
    );
    const events = await h.intentEvents(intentId);
    assert.deepEqual(types(settlementEvents(events)), ['PaymentIntentVoided']);
    assert.equal(settlementEvents(events)[0]?.data.amountReleased, 20_000);
    assert.equal(settlementEvents(events)[0]?.data.chargeId, charge.id);
  });

  it('the CPMS never confirms: after the start timeout the charge fails, the start is cancelled, the intent voided once', async () => {
    h.configureStation('ST-SILENT', { start: 'never_confirm' });
    const { intentId, charge } = await startOn('ST-SILENT');
    await eventually(async () =>
      assert.equal(h.api.gateway.cpmsSimulator?.session(charge.id)?.status, 'WAITING_TO_START'),
    );

    // Before the deadline nothing happens, however often the sweep runs.
    h.clock.advance(59 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(
      (await h.api.request('GET', `/v1/adhoc-charges/${charge.id}`, { key: h.key })).body.status,
      'pending',
    );

    h.clock.advance(2 * 1000);
    const failed = await h.waitForCharge(
      charge.id,
      (c) => c.settlement !== null && c.stop?.status === 'accepted',
    );
    assert.deepEqual(
      [failed.status, failed.failure.reason, failed.settlement.outcome],
      ['failed', 'start_timeout', 'voided'],
    );
    assert.equal(h.api.gateway.cpmsSimulator?.session(charge.id)?.status, 'STOPPED');
    assert.deepEqual(types(settlementEvents(await h.intentEvents(intentId))), ['PaymentIntentVoided']);
  });

  it('the CPMS fails to stop at the limit: the charge goes on, is completed by the terminal, and captures at most the authorization', async () => {
    h.configureStation('ST-STUCK', { stop: 'fail' });
    const { intentId, charge } = await startOn('ST-STUCK', 10_000);
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    assert.equal((await h.reading(active, 20, 10_700)).body.status, 'stopping');
    const stuck = await h.waitForCharge(charge.id, (c) => c.status === 'stop_failed');
    assert.deepEqual(
      [stuck.stop.status, stuck.stop.failureReason],
      ['failed', 'the CPMS reported STOP_FAILED'],
    );

    // The session keeps charging; readings are still recorded.
    const more = await h.reading(active, 30, 12_000);
    assert.deepEqual([more.status, more.body.runningCost.inclVat], [200, 10_800]);
    const completed = await h.complete(charge.id);
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.deepEqual([completed.body.amountDue, completed.body.amountUncovered], [10_000, 800]);

    await h.waitForCharge(charge.id, (c) => c.settlement?.outcome === 'captured');
    const settled = settlementEvents(await h.intentEvents(intentId));
    assert.deepEqual(types(settled), ['PaymentIntentCaptured']);
    assert.equal(settled[0]?.data.amountCaptured, 10_000);
    // No second stop was sent when the terminal completed: the failed one stands.
    assert.deepEqual(
      h.api.gateway.cpmsSimulator?.calls(charge.id).map((call) => call.kind),
      ['start', 'stop'],
    );
  });

  it('a progress update after completion is refused and changes nothing', async () => {
    const { intentId, charge } = await startOn('ST-LATE');
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    await h.reading(active, 10, 3_000);
    assert.equal((await h.complete(charge.id)).status, 200);
    await h.waitForCharge(charge.id, (c) => c.settlement !== null);
    const before = await h.streamEvents(`charge_session-${charge.id}`);

    const late = await h.reading(active, 20, 4_000);
    assert.deepEqual([late.status, late.body.error.code], [409, 'charge_already_completed']);
    const after = await h.streamEvents(`charge_session-${charge.id}`);
    assert.equal(after.filter((event) => event.type === 'ChargeSessionProgressRecorded').length, 1);
    assert.ok(after.length >= before.length);
    const settled = settlementEvents(await h.intentEvents(intentId));
    assert.deepEqual(types(settled), ['PaymentIntentCaptured']);
    assert.equal(settled[0]?.data.amountCaptured, 2_700);
  });

  it('a complete without a start: an unknown charge is 404, an unconfirmed one 409, and nothing is appended', async () => {
    const unknown = await h.complete('ch_00000000000000000000000000');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'charge_not_found']);
    assert.deepEqual(await h.streamEvents('charge_session-ch_00000000000000000000000000'), []);

    h.configureStation('ST-SLOW', { start: 'never_confirm' });
    const { intentId, charge } = await startOn('ST-SLOW');
    await h.waitForCharge(charge.id, (c) => c.cpms.startAccepted);
    const before = await h.streamEvents(`charge_session-${charge.id}`);
    const early = await h.complete(charge.id);
    assert.deepEqual([early.status, early.body.error.code], [409, 'charge_not_started']);
    assert.deepEqual(await h.streamEvents(`charge_session-${charge.id}`), before);
    assert.deepEqual(types(await h.intentEvents(intentId)), [
      'PaymentIntentCreated',
      'PaymentIntentAuthorized',
      'PaymentIntentLinkedToCharge',
    ]);
  });

  it('a duplicate complete: the same key replays, another request is 409; one capture', async () => {
    const { intentId, charge } = await startOn('ST-TWICE');
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    await h.reading(active, 15, 6_000);
    const key = { 'idempotency-key': `complete-${charge.id}` };
    const first = await h.complete(charge.id, {}, key);
    const replay = await h.complete(charge.id, {}, key);
    const other = await h.complete(charge.id, {});
    assert.deepEqual(
      [first.status, replay.status, replay.headers.get('idempotent-replayed')],
      [200, 200, 'true'],
    );
    assert.deepEqual(replay.body, first.body);
    assert.deepEqual([other.status, other.body.error.code], [409, 'charge_already_completed']);

    await h.waitForCharge(charge.id, (c) => c.settlement !== null);
    const completions = (await h.streamEvents(`charge_session-${charge.id}`)).filter(
      (event) => event.type === 'ChargeSessionCompleted',
    );
    assert.equal(completions.length, 1);
    assert.deepEqual(types(settlementEvents(await h.intentEvents(intentId))), ['PaymentIntentCaptured']);
  });

  it('a charge that delivered no energy voids the intent instead of capturing', async () => {
    const { intentId, charge } = await startOn('ST-EMPTY');
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    await h.reading(active, 5, 0);
    const completed = await h.complete(charge.id);
    assert.deepEqual([completed.body.amountDue, completed.body.meter.energyWh], [0, 0]);
    const settled = await h.waitForCharge(charge.id, (c) => c.settlement !== null);
    assert.equal(settled.settlement.outcome, 'voided');
    const events = settlementEvents(await h.intentEvents(intentId));
    assert.deepEqual(types(events), ['PaymentIntentVoided']);
    assert.equal(events[0]?.data.reason, 'charge_delivered_no_energy');
  });

  it('a free charge that delivered energy voids the intent saying there was nothing to capture', async () => {
    await h.putTariff('free', {
      currency: 'TRY',
      elements: [{ priceComponents: [{ type: 'ENERGY', price: 0, stepSize: 1 }] }],
    });
    const intentId = await h.authorizedIntent(20_000);
    const charge = await h.start({
      paymentIntentId: intentId,
      tariffId: 'free',
      stationId: 'ST-FREE',
      connectorId: '1',
    });
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    await h.reading(active, 5, 4_000);
    const completed = await h.complete(charge.id);
    assert.deepEqual([completed.body.amountDue, completed.body.meter.energyWh], [0, 4_000]);
    await h.waitForCharge(charge.id, (c) => c.settlement !== null);
    const events = settlementEvents(await h.intentEvents(intentId));
    assert.deepEqual(types(events), ['PaymentIntentVoided']);
    assert.equal(events[0]?.data.reason, 'charge_nothing_to_capture');
  });

  it('a meter reading with a UTC offset is accepted and recorded in UTC', async () => {
    const { charge } = await startOn('ST-OFFSET');
    const active = await h.waitForCharge(charge.id, (c) => c.status === 'active');
    const measured = new Date(Date.parse(active.activatedAt) + 5 * MINUTE);
    h.clock.set(measured);
    const istanbul = new Date(measured.getTime() + 3 * 60 * MINUTE).toISOString().replace('Z', '+03:00');
    const progress = await h.api.request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, {
      key: h.key,
      body: { meterWh: 1_000, measuredAt: istanbul },
    });
    assert.equal(progress.status, 200, JSON.stringify(progress.body));
    const completed = await h.complete(charge.id, {
      reading: { meterWh: 1_500, measuredAt: istanbul.replace(/:(\d\d)\.(\d{3})\+/, ':$1.999+') },
    });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    const readings = (await h.streamEvents(`charge_session-${charge.id}`)).filter(
      (event) => event.type === 'ChargeSessionProgressRecorded',
    );
    assert.equal(
      (readings[0]?.data as { reading: { measuredAt: string } }).reading.measuredAt,
      measured.toISOString(),
    );
  });

  it('refuses to start on an intent that cannot pay for it', async () => {
    const start = (body: Record<string, unknown>, key = h.key) =>
      h.api.request('POST', '/v1/adhoc-charges/start', {
        key,
        body: { stationId: 'ST-X', connectorId: '1', ...body },
      });

    const created = await h.api.request('POST', '/v1/payment-intents', {
      key: h.key,
      body: { amount: 5_000, paymentMethodType: 'card_present', terminalId: 'trm_1' },
    });
    const notAuthorized = await start({ paymentIntentId: created.body.id, tariffId: 'energy' });
    assert.deepEqual(
      [notAuthorized.status, notAuthorized.body.error.code],
      [409, 'payment_intent_not_authorized'],
    );

    await h.putTariff('needs-200', { ...energyTariff, preauthorizeAmount: 20_000 });
    const small = await h.authorizedIntent(15_000);
    const insufficient = await start({ paymentIntentId: small, tariffId: 'needs-200' });
    assert.deepEqual(
      [insufficient.status, insufficient.body.error.code],
      [409, 'preauthorization_insufficient'],
    );

    await h.putTariff('euro', { ...energyTariff, currency: 'EUR' });
    const wrongCurrency = await start({ paymentIntentId: small, tariffId: 'euro' });
    assert.deepEqual([wrongCurrency.status, wrongCurrency.body.error.code], [409, 'currency_mismatch']);

    const unknownTariff = await start({ paymentIntentId: small, tariffId: 'nope' });
    assert.deepEqual([unknownTariff.status, unknownTariff.body.error.code], [400, 'tariff_not_found']);

    const otherMerchant = await h.api.issueKey({
      merchantId: 'mer_other',
      scopes: ['charges:write', 'tariffs:write'],
    });
    await h.putTariff('energy', energyTariff, otherMerchant);
    const foreign = await start({ paymentIntentId: small, tariffId: 'energy' }, otherMerchant);
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'payment_intent_not_found']);

    const otherTerminal = await h.api.issueKey({ terminalId: 'trm_2', scopes: ['charges:write'] });
    const wrongTerminal = await start({ paymentIntentId: small, tariffId: 'energy' }, otherTerminal);
    assert.deepEqual(
      [wrongTerminal.status, wrongTerminal.body.error.code],
      [404, 'payment_intent_not_found'],
    );

    const first = await start({ paymentIntentId: small, tariffId: 'energy' });
    assert.equal(first.status, 201);
    const second = await start({ paymentIntentId: small, tariffId: 'energy' });
    assert.deepEqual([second.status, second.body.error.code], [409, 'charge_exists']);

    // Once a charge took the intent, the merchant cannot capture or void it behind the charge's back.
    const capture = await h.api.request('POST', `/v1/payment-intents/${small}/capture`, { key: h.key });
    assert.deepEqual([capture.status, capture.body.error.code], [409, 'payment_intent_linked_to_charge']);
    assert.deepEqual(
      types(await h.intentEvents(small)).filter((type) => type === 'PaymentIntentLinkedToCharge'),
      ['PaymentIntentLinkedToCharge'],
    );
  });

  it('starting on a tariff that is not in force or not for ad-hoc payment is refused', async () => {
    const intentId = await h.authorizedIntent(20_000);
    await h.putTariff('future', {
      ...energyTariff,
      startDateTime: new Date(h.clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
    await h.putTariff('rfid', { ...energyTariff, type: 'REGULAR' });
    const future = await h.api.request('POST', '/v1/adhoc-charges/start', {
      key: h.key,
      body: { paymentIntentId: intentId, tariffId: 'future', stationId: 'ST-X', connectorId: '1' },
    });
    const rfid = await h.api.request('POST', '/v1/adhoc-charges/start', {
      key: h.key,
      body: { paymentIntentId: intentId, tariffId: 'rfid', stationId: 'ST-X', connectorId: '1' },
    });
    assert.deepEqual(
      [future.status, future.body.error.code, rfid.status, rfid.body.error.code],
      [409, 'tariff_not_in_force', 409, 'tariff_not_ad_hoc'],
    );
    assert.deepEqual(types(await h.intentEvents(intentId)), [
      'PaymentIntentCreated',
      'PaymentIntentAuthorized',
    ]);
  });
});
