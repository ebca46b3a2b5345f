import assert from 'node:assert/strict';
import { idTagFor } from '../../src/integrations/cpms/id-tag';
import { eventually } from '../support/eventually';
import {
  capturesOf,
  configureLongship,
  INFRA,
  runToCapture,
  startCharge,
  assertRefusedAndVoided,
  startOnBusyConnector,
  startJourney,
  type Journey,
} from './journey-harness';

describe('Journey: a charge through the Longship adapter and its simulator, over HTTP', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney();
    await j.h.putTariff('standard');
    await configureLongship(j);
    for (const chargePoint of ['LS-CP-1', 'LS-CP-2', 'LS-CP-3', 'LS-CP-4', 'LS-CP-5', 'LS-CP-6', 'LS-CP-7'])
      j.longship.addChargePoint(chargePoint, 2);
    for (const [station, chargePoint] of [
      ['IST-LS-1', 'LS-CP-1'],
      ['IST-LS-2', 'LS-CP-2'],
      ['IST-LS-3', 'LS-CP-3'],
      ['IST-LS-4', 'LS-CP-4'],
      ['IST-LS-5', 'LS-CP-5'],
      ['IST-LS-6', 'LS-CP-6'],
    ])
      await j.map({
        stationId: station,
        adapterType: 'longship',
        chargePointId: chargePoint,
        connectors: [
          { connectorId: 'A', connectorNumber: 1 },
          { connectorId: 'B', connectorNumber: 2 },
        ],
      });
  });
  after(() => j.close());

  it('starts on the mapped charge point, meters, stops and captures exactly once', async () => {
    const { intentId, charge } = await startCharge(j, 'IST-LS-1', 'B');
    const active = await runToCapture(j, charge.id, intentId);
    const [session] = j.longship.sessionsOf(idTagFor(charge.id));
    assert.ok(session, 'the simulator ran a session for the charge idTag');
    assert.deepEqual([session.chargePointId, session.connectorNumber], ['LS-CP-1', 2]);
    assert.equal(active.cpms.sessionId, session.id);
    await eventually(async () => assert.equal(j.longship.session(session.id)?.status, 'COMPLETED'));
    await j.longship.settlePushes();
    const pushed = j.longship.pushes().map((push) => [push.event.type, push.answer]);
    for (const type of ['SessionStart', 'SessionStop', 'CdrCreated'])
      assert.deepEqual(
        pushed.filter(([pushedType]) => pushedType === type),
        [[type, 204]],
        `the receiver took the ${type} push`,
      );
    assert.deepEqual(j.longship.requests(/remotest/), [
      'POST /v1/chargepoints/LS-CP-1/remotestart',
      'POST /v1/chargepoints/LS-CP-1/remotestop',
    ]);
  });

  it('voids the intent when the charge point refuses a busy connector', async () => {
    const busy = await startOnBusyConnector(j, 'IST-LS-2', 'A');
    const { first, second } = busy;
    await assertRefusedAndVoided(j, busy, /start_rejected/);
    assert.equal(await capturesOf(j, second.intentId), 0);
    // The first driver is not disturbed by the refusal.
    await runToCapture(j, first.charge.id, first.intentId);
  });

  it('voids the intent when the charge point never confirms the start', async () => {
    j.longship.configure({ startConfirm: 'never' });
    try {
      const { intentId, charge } = await startCharge(j, 'IST-LS-3', 'A', 20_000);
      await eventually(async () => assert.equal(j.longship.requests(/LS-CP-3\/remotestart/).length, 1));
      // The confirmation is awaited from when the gateway has Longship's answer, which it shows by polling
      // the message; on a busy machine that can come well after the start request arrived.
      await eventually(async () => assert.ok(j.longship.requests(/GET .*LS-CP-3\/messages/).length > 0));
      j.clock.advance(31_000);
      const failed = await j.h.waitForCharge(charge.id, (c) => c.settlement !== null);
      assert.deepEqual([failed.status, failed.settlement.outcome], ['failed', 'voided']);
      assert.match(failed.failure.message, /start_not_confirmed/);
      assert.equal(await capturesOf(j, intentId), 0);
      assert.equal(j.longship.requests(/LS-CP-3\/remotestart/).length, 1, 'a start POST is never repeated');
    } finally {
      j.longship.configure({ startConfirm: 'accept' });
    }
  });

  it('voids the intent when the start times out or answers 5xx until the start deadline', async () => {
    j.longship.faults.failNext(1, { kind: 'hang', ms: 2_000 }, /LS-CP-4\/remotestart/);
    j.longship.faults.failNext(1_000, { kind: 'status', status: 503 }, /LS-CP-4\/remotestart/);
    try {
      const { intentId, charge } = await startCharge(j, 'IST-LS-4', 'A', 20_000);
      await eventually(async () =>
        assert.ok(j.longship.requests(/LS-CP-4\/remotestart/).length >= 2, 'the job retried the start'),
      );
      j.clock.advance(121_000);
      const failed = await j.h.waitForCharge(charge.id, (c) => c.settlement !== null);
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.settlement.outcome],
        ['failed', 'start_timeout', 'voided'],
      );
      assert.equal(await capturesOf(j, intentId), 0);
      assert.deepEqual(j.longship.sessionsOf(idTagFor(charge.id)), []);
    } finally {
      j.longship.faults.clear();
    }
  });

  it('captures exactly once when the stop meets a 5xx and is retried', async () => {
    const { intentId, charge } = await startCharge(j, 'IST-LS-5', 'A');
    j.longship.faults.failNext(2, { kind: 'status', status: 500 }, /LS-CP-5\/remotestop/);
    await runToCapture(j, charge.id, intentId);
    const [session] = j.longship.sessionsOf(idTagFor(charge.id));
    await eventually(async () => assert.equal(j.longship.session(session!.id)?.status, 'COMPLETED'));
    assert.equal(j.longship.requests(/LS-CP-5\/remotestop/).length, 3, 'two refused by 500, the third stops');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await capturesOf(j, intentId), 1, 'still captured once after the retries settle');
  });

  it('keeps a running session on the CPMS and charge point its start was accepted on when the station is re-mapped', async () => {
    const { intentId, charge } = await startCharge(j, 'IST-LS-6', 'A');
    await j.h.waitForCharge(charge.id, (c) => c.status === 'active');
    // The SessionStart push may activate the charge before the start's own answer is recorded with its route.
    await j.h.waitForCharge(charge.id, (c) => c.cpms.startAccepted === true);
    const mappings = await j.call('GET', `${INFRA}/mappings?stationId=IST-LS-6`, j.infraKey);
    // Re-pointed to another CPMS altogether (Corpay, not even configured here): the session stays on Longship.
    const remapped = await j.call('PATCH', `${INFRA}/mappings/${mappings.body.data[0].id}`, j.infraKey, {
      adapterType: 'corpay',
      chargePointId: 'LS-CP-7',
      connectors: [{ connectorId: 'A', connectorNumber: 1, cpmsConnectorId: 'CORPAY-A' }],
    });
    assert.equal(remapped.status, 200, JSON.stringify(remapped.body));
    await runToCapture(j, charge.id, intentId);
    await eventually(async () =>
      assert.deepEqual(j.longship.requests(/LS-CP-[67]\/remotest/), [
        'POST /v1/chargepoints/LS-CP-6/remotestart',
        'POST /v1/chargepoints/LS-CP-6/remotestop',
      ]),
    );
    const accepted = (await j.h.streamEvents(`charge_session-${charge.id}`)).find(
      (event) => event.type === 'ChargeSessionCpmsStartAccepted',
    );
    assert.deepEqual(accepted?.data.cpmsRoute, {
      adapterType: 'longship',
      chargePointId: 'LS-CP-6',
      connectorNumber: 1,
    });
  });
});
