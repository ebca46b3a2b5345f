import assert from 'node:assert/strict';
import { FakeStationCpms } from '../support/fake-station-adapter';
import { eventually } from '../support/eventually';
import { startChargingHarness, types, type ChargingHarness } from './adhoc-charges.fixtures';
import { CONFIG, LONGSHIP_SECRETS, MAPPINGS, mappingBody } from './charging-infrastructure.fixtures';

describe('HTTP: charges on mapped stations go through their CPMS adapter', function () {
  this.timeout(60_000);
  let h: ChargingHarness;
  const cpms = new FakeStationCpms();
  let infra: string;

  before(async () => {
    h = await startChargingHarness(
      {},
      { stationAdapterFactories: { longship: cpms.factory, corpay: cpms.factory } },
    );
    await h.putTariff('standard');
    infra = await h.api.issueKey({ scopes: ['infrastructure:read', 'infrastructure:write'] });
    const admin = await h.api.issueKey({ scopes: ['admin'] });
    const configured = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: admin,
      body: { baseUrl: 'http://127.0.0.1:9/longship', credentials: LONGSHIP_SECRETS },
    });
    assert.equal(configured.status, 200, JSON.stringify(configured.body));
    for (const [stationId, adapterType] of [
      ['MAP-LONGSHIP', 'longship'],
      ['MAP-REFUSING', 'longship'],
      ['MAP-CORPAY', 'corpay'],
    ]) {
      const mapped = await h.api.request('POST', MAPPINGS, {
        key: infra,
        body: mappingBody(stationId!, {
          adapterType,
          connectors: [
            {
              connectorId: 'A',
              connectorNumber: 3,
              ...(adapterType === 'corpay' ? { cpmsConnectorId: `${stationId}-A` } : {}),
            },
          ],
        }),
      });
      assert.equal(mapped.status, 201, JSON.stringify(mapped.body));
    }
  });
  after(() => h.close());

  /** An authorized intent and a charge started with it on a station's connector. */
  const startOn = async (stationId: string, connectorId: string, amount = 20_000) => {
    const intentId = await h.authorizedIntent(amount);
    const started = await h.start({
      paymentIntentId: intentId,
      tariffId: 'standard',
      stationId,
      connectorId,
    });
    return { intentId, started };
  };

  it('starts, meters, stops and captures through the mapped adapter, with the CPMS ids of the mapping', async () => {
    const { intentId, started } = await startOn('map-longship', 'A', 50_000);
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    assert.equal(active.cpms.sessionId, `fake-${started.id}`);
    assert.deepEqual(
      cpms.callsOf('start', started.id).map((call) => [call.adapterType, call.target]),
      [['longship', { chargePointId: 'CP-MAP-LONGSHIP', connectorNumber: 3 }]],
    );
    assert.ok(cpms.callsOf('get', started.id).length > 0, 'the status poll asked the adapter');
    assert.deepEqual(
      h.api.gateway.cpmsSimulator?.calls(started.id),
      [],
      'the default CPMS never heard of it',
    );

    assert.equal((await h.reading(active, 10, 6_000)).status, 200);
    h.clock.set(new Date(Date.parse(active.activatedAt) + 20 * 60_000));
    const completed = await h.complete(started.id, {
      reading: {
        meterWh: 10_000,
        measuredAt: new Date(Date.parse(active.activatedAt) + 20 * 60_000).toISOString(),
      },
    });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    const settled = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual(
      [settled.settlement.outcome, settled.settlement.amountCaptured],
      ['captured', completed.body.amountDue],
    );
    await eventually(async () =>
      assert.deepEqual(
        cpms.callsOf('stop', started.id).map((call) => [call.cpmsSessionId, call.target?.chargePointId]),
        [[`fake-${started.id}`, 'CP-MAP-LONGSHIP']],
      ),
    );
    const captures = (await h.intentEvents(intentId)).filter(
      (event) => event.type === 'PaymentIntentCaptured',
    );
    assert.equal(captures.length, 1);
  });

  it('fails the start and voids the intent when the CPMS refuses', async () => {
    cpms.startAnswer = 'refuse';
    try {
      const { intentId, started } = await startOn('MAP-REFUSING', 'A');
      const failed = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.failure.message, failed.settlement.outcome],
        ['failed', 'cpms_refused', 'the CPMS refused the start: connector_busy', 'voided'],
      );
      assert.equal(cpms.callsOf('start', started.id).length, 1);
      assert.deepEqual(types(await h.intentEvents(intentId)).at(-1), 'PaymentIntentVoided');
    } finally {
      cpms.startAnswer = 'accept';
    }
  });

  it('retries a start the CPMS cannot answer, then fails it at the start timeout and voids the intent', async () => {
    cpms.startAnswer = 'unavailable';
    try {
      const { intentId, started } = await startOn('MAP-REFUSING', 'A');
      await eventually(async () => assert.ok(cpms.callsOf('start', started.id).length >= 2, 'retried'));
      h.clock.advance(121_000);
      const failed = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.settlement.outcome],
        ['failed', 'start_timeout', 'voided'],
      );
      assert.equal(types(await h.intentEvents(intentId)).at(-1), 'PaymentIntentVoided');
    } finally {
      cpms.startAnswer = 'accept';
    }
  });

  it('refuses the start at once when the mapped adapter is not configured, and voids the intent', async () => {
    const { intentId, started } = await startOn('MAP-CORPAY', 'A');
    const failed = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual([failed.status, failed.settlement.outcome], ['failed', 'voided']);
    assert.equal(cpms.callsOf('start', started.id).length, 0);
    const refusal = (await h.streamEvents(`charge_session-${started.id}`)).find(
      (event) => event.type === 'ChargeSessionFailed',
    );
    assert.match(JSON.stringify(refusal?.data), /cpms_adapter_not_configured/);
    assert.equal(types(await h.intentEvents(intentId)).at(-1), 'PaymentIntentVoided');
  });

  it('refuses a connector the mapping does not name, and keeps unmapped stations on the default CPMS', async () => {
    const { started: unnamed } = await startOn('MAP-LONGSHIP', 'Z');
    const failed = await h.waitForCharge(unnamed.id, (charge) => charge.settlement !== null);
    assert.deepEqual([failed.status, failed.settlement.outcome], ['failed', 'voided']);

    const { started: unmapped } = await startOn('NOT-MAPPED', '1');
    await h.waitForCharge(unmapped.id, (charge) => charge.status === 'active');
    assert.deepEqual(
      h.api.gateway.cpmsSimulator?.calls(unmapped.id).map((call) => call.kind),
      ['start'],
    );
    assert.equal(cpms.callsOf('start', unmapped.id).length, 0);
  });

  it('feeds a pushed session status to its charge', async () => {
    const { started } = await startOn('MAP-LONGSHIP', 'A');
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    // The CPMS ends the session by itself and pushes it; the fake's own answer to polls stays STARTED.
    await cpms.sink!.session({
      adapterType: 'longship',
      cpmsSessionId: active.cpms.sessionId,
      chargePointId: 'CP-MAP-LONGSHIP',
      connectorNumber: 3,
      status: 'STOPPED',
      observedAt: h.clock.now().toISOString(),
    });
    const done = await h.waitForCharge(started.id, (charge) => charge.settlement !== null);
    assert.deepEqual([done.status, done.completionReason], ['completed', 'cpms_stopped']);
  });
});
