import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { energyTariff, startChargingHarness, types, type ChargingHarness } from './adhoc-charges.fixtures';

describe('HTTP: ad-hoc charges, the journey (embedded default, CPMS simulator over HTTP)', function () {
  this.timeout(60_000);
  let h: ChargingHarness;

  before(async () => {
    h = await startChargingHarness();
    await h.putTariff('standard');
    await h.putTariff('energy', energyTariff);
  });
  after(() => h.close());

  it('authorizes, starts, meters, completes, and captures exactly the tariff cost of the energy and time', async () => {
    const intentId = await h.authorizedIntent(50_000);
    const started = await h.start({
      paymentIntentId: intentId,
      tariffId: 'standard',
      stationId: 'IST-JOURNEY',
      connectorId: '1',
      metadata: { plate: '34ABC123' },
    });
    assert.equal(started.status, 'pending');
    assert.match(started.id, /^ch_/);
    assert.deepEqual(
      [started.paymentIntentId, started.amountAuthorized, started.stopThreshold, started.terminalId],
      [intentId, 50_000, 49_500, 'trm_1'],
    );

    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    assert.ok(active.cpms.sessionId);

    const first = await h.reading(active, 10, 5_123, { powerKw: 30.7 });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal((await h.reading(active, 20, 10_456, { powerKw: 32 })).body.chargingPeriods.length, 2);
    // A duplicate, a stale and a backwards reading change nothing.
    const duplicate = await h.reading(active, 20, 10_456);
    const stale = await h.reading(active, 15, 7_000);
    assert.deepEqual([duplicate.status, duplicate.body.version, stale.body.version], [200, 5, 5]);
    const progressed = await h.reading(active, 40, 17_890, { powerKw: 21.4 });
    assert.equal(progressed.body.meter.energyWh, 17_890);

    // 5.00 start + 17.890 kWh x 7.50 + 40 min x 6.00/h = 143.175 TRY excl. VAT -> 143.18 (half up);
    // with 20% VAT 171.81. The last 5 minutes are parking: no energy, and this tariff does not charge it.
    h.clock.set(new Date(Date.parse(active.activatedAt) + 45 * 60_000));
    const completed = await h.complete(started.id, {
      reading: {
        meterWh: 17_890,
        measuredAt: new Date(Date.parse(active.activatedAt) + 45 * 60_000).toISOString(),
      },
    });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.equal(completed.body.status, 'completed');
    assert.deepEqual(
      [completed.body.finalCost.exclVat, completed.body.finalCost.vat, completed.body.finalCost.inclVat],
      [14_318, 2_863, 17_181],
    );
    assert.deepEqual(
      completed.body.finalCost.dimensions.map((line: any) => [line.dimension, line.quantity]),
      [
        ['FLAT', 1],
        ['ENERGY', 17_890],
        ['TIME', 2_400],
      ],
    );
    assert.deepEqual([completed.body.amountDue, completed.body.amountUncovered], [17_181, 0]);

    const intent = await eventually(async () => {
      const read = await h.api.request('GET', `/v1/payment-intents/${intentId}`, { key: h.key });
      assert.equal(read.body.status, 'captured');
      return read.body;
    });
    assert.deepEqual(
      [intent.amountCaptured, intent.amountReleased, intent.chargeId],
      [17_181, 32_819, started.id],
    );
    const settled = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual(settled.settlement.outcome, 'captured');

    const events = await h.intentEvents(intentId);
    assert.deepEqual(types(events), [
      'PaymentIntentCreated',
      'PaymentIntentAuthorized',
      'PaymentIntentLinkedToCharge',
      'PaymentIntentCaptured',
    ]);
    assert.equal(events.at(-1)?.metadata.actor.kind, 'system');

    // The terminal completed before the CPMS stopped: the gateway asked the CPMS to stop, once.
    await eventually(async () =>
      assert.equal(h.api.gateway.cpmsSimulator?.session(started.id)?.status, 'STOPPED'),
    );
    assert.deepEqual(
      h.api.gateway.cpmsSimulator?.calls(started.id).map((call) => call.kind),
      ['start', 'stop'],
    );
    const counts = await eventually(async () => {
      const byType = new Map<string, number>();
      for (const type of types(await h.streamEvents(`charge_session-${started.id}`))) {
        byType.set(type, (byType.get(type) ?? 0) + 1);
      }
      assert.equal(byType.get('ChargeSessionCpmsStopAccepted'), 1);
      return Object.fromEntries(byType);
    });
    assert.deepEqual(counts, {
      ChargeSessionStarted: 1,
      ChargeSessionCpmsStartAccepted: 1,
      ChargeSessionActivated: 1,
      ChargeSessionProgressRecorded: 4,
      ChargeSessionStopRequested: 1,
      ChargeSessionCompleted: 1,
      ChargeSessionSettled: 1,
      ChargeSessionCpmsStopAccepted: 1,
    });
  });

  it('stops at the pre-authorization limit and captures no more than authorized', async () => {
    const intentId = await h.authorizedIntent(10_000);
    const started = await h.start({
      paymentIntentId: intentId,
      tariffId: 'energy',
      stationId: 'IST-LIMIT',
      connectorId: '2',
    });
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    // Threshold 100.00 - 5.00 margin = 95.00 TRY incl. VAT, i.e. 10.556 kWh at 9.00 TRY/kWh.
    const below = await h.reading(active, 10, 5_000);
    assert.deepEqual([below.body.status, below.body.runningCost.inclVat], ['active', 4_500]);
    const atLimit = await h.reading(active, 20, 10_600);
    assert.deepEqual(
      [atLimit.body.status, atLimit.body.runningCost.inclVat, atLimit.body.stop.reason],
      ['stopping', 9_540, 'preauthorization_limit'],
    );

    // The CPMS stops the session; the gateway sees STOPPED and completes the charge by itself.
    const completed = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual(
      [
        completed.status,
        completed.completionReason,
        completed.amountDue,
        completed.settlement.amountCaptured,
      ],
      ['completed', 'cpms_stopped', 9_540, 9_540],
    );
    const captured = (await h.intentEvents(intentId)).filter(
      (event) => event.type === 'PaymentIntentCaptured',
    );
    assert.equal(captured.length, 1);
    assert.ok((captured[0]?.data.amountCaptured as number) <= 10_000);
  });

  it('caps the capture at the authorization when the cost jumps past it between readings', async () => {
    const intentId = await h.authorizedIntent(10_000);
    const started = await h.start({
      paymentIntentId: intentId,
      tariffId: 'energy',
      stationId: 'IST-JUMP',
      connectorId: '1',
    });
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    const over = await h.reading(active, 30, 11_500);
    assert.deepEqual([over.body.status, over.body.runningCost.inclVat], ['stopping', 10_350]);

    const completed = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual([completed.amountDue, completed.amountUncovered], [10_000, 350]);
    const intent = (await h.api.request('GET', `/v1/payment-intents/${intentId}`, { key: h.key })).body;
    assert.deepEqual([intent.status, intent.amountCaptured, intent.amountReleased], ['captured', 10_000, 0]);
  });

  it('lists charges with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (const connectorId of ['7', '8', '9']) {
      const intentId = await h.authorizedIntent(20_000);
      h.clock.advance(1_000);
      ids.push(
        (await h.start({ paymentIntentId: intentId, tariffId: 'energy', stationId: 'IST-LIST', connectorId }))
          .id,
      );
    }
    const pages = await eventually(async () => {
      const first = await h.api.request('GET', '/v1/adhoc-charges?stationId=IST-LIST&limit=2', {
        key: h.key,
      });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.length, 2);
      const second = await h.api.request(
        'GET',
        `/v1/adhoc-charges?stationId=IST-LIST&limit=2&cursor=${first.body.nextCursor}`,
        { key: h.key },
      );
      return [first.body, second.body];
    });
    assert.deepEqual(
      [...pages[0].data, ...pages[1].data].map((charge: any) => charge.id),
      [...ids].reverse(),
    );
    assert.deepEqual([pages[0].hasMore, pages[1].hasMore, pages[1].nextCursor], [true, false, null]);

    const byConnector = await h.api.request('GET', '/v1/adhoc-charges?stationId=IST-LIST&connectorId=8', {
      key: h.key,
    });
    assert.deepEqual(
      byConnector.body.data.map((charge: any) => charge.id),
      [ids[1]],
    );
    const none = await h.api.request(
      'GET',
      `/v1/adhoc-charges?stationId=IST-LIST&createdTo=${encodeURIComponent('2000-01-01T00:00:00Z')}`,
      { key: h.key },
    );
    assert.deepEqual(none.body.data, []);
    const byStatus = await h.api.request('GET', '/v1/adhoc-charges?status=completed&limit=100', {
      key: h.key,
    });
    assert.ok(byStatus.body.data.every((charge: any) => charge.status === 'completed'));
  });
});
