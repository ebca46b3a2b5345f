import assert from 'node:assert/strict';
import { idTagFor } from '../../src/integrations/cpms/id-tag';
import { MAX_LATE_START_STOPS } from '../../src/domain/charge-session/late-start';
import { LongshipSimulator } from '../../src/integrations/cpms/longship/simulator/longship-simulator';
import { types } from '../http/adhoc-charges.fixtures';
import { eventually } from '../support/eventually';
import {
  capturesOf,
  configureCorpay,
  configureLongship,
  LONGSHIP_CREDENTIALS,
  startCharge,
  startJourney,
  type Journey,
} from './journey-harness';

const chargeEvents = async (j: Journey, chargeId: string) => j.h.streamEvents(`charge_session-${chargeId}`);

const stopsOf = async (j: Journey, chargeId: string) =>
  (await chargeEvents(j, chargeId))
    .filter((event) => event.type === 'ChargeSessionStopRequested')
    .map((event) => (event.data as { reason: string }).reason);

/** The charge gave up and voided; the intent ends voided, nothing captured. */
const assertVoidedOnly = async (j: Journey, intentId: string) => {
  assert.equal(types(await j.h.intentEvents(intentId)).at(-1), 'PaymentIntentVoided');
  assert.equal(await capturesOf(j, intentId), 0);
};

describe('Journey: a session the CPMS starts after the charge gave up is stopped (0027 Part D)', function () {
  this.timeout(60_000);
  let j: Journey;
  // Longship without a webhook: nothing is pushed, so only the gateway's polling can find the late start.
  let silentLongship: LongshipSimulator;

  before(async () => {
    j = await startJourney();
    silentLongship = new LongshipSimulator({
      tenantKey: LONGSHIP_CREDENTIALS.tenantKey,
      applicationKey: LONGSHIP_CREDENTIALS.applicationKey,
      now: () => j.clock.now().getTime(),
    });
    const silentUrl = await silentLongship.listen();
    await j.h.putTariff('standard');
    await configureCorpay(j);
    await configureLongship(j, { baseUrl: silentUrl });
    for (const station of ['ANK-LATE-1', 'ANK-LATE-2', 'ANK-LATE-3']) {
      j.corpay.addConnector(`${station}-CONN-A`);
      await j.map({
        stationId: station,
        adapterType: 'corpay',
        chargePointId: `${station}-CP`,
        connectors: [{ connectorId: 'A', connectorNumber: 1, cpmsConnectorId: `${station}-CONN-A` }],
      });
    }
    silentLongship.addChargePoint('LS-LATE-1', 1);
    await j.map({
      stationId: 'IST-LATE-1',
      adapterType: 'longship',
      chargePointId: 'LS-LATE-1',
      connectors: [{ connectorId: 'A', connectorNumber: 1 }],
    });
  });
  after(async () => {
    await j.close();
    await silentLongship.close();
  });

  it('Corpay: a start left in WAITING_TO_START past the deadline, started later, is stopped; the intent stays voided', async () => {
    j.corpay.configure({ start: 'never' });
    try {
      const { intentId, charge } = await startCharge(j, 'ANK-LATE-1', 'A', 20_000);
      const accepted = await j.h.waitForCharge(charge.id, (c) => c.cpms.startAccepted === true);
      const sessionId: string = accepted.cpms.sessionId;
      j.clock.advance(121_000);
      const failed = await j.h.waitForCharge(
        charge.id,
        (c) => c.settlement !== null && c.stop?.status === 'failed',
      );
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.settlement.outcome],
        ['failed', 'start_timeout', 'voided'],
      );
      // Corpay refuses to stop a session that has not started: the start_timeout stop changed nothing.
      assert.match(failed.stop.failureReason, /session_not_stoppable/i);
      assert.equal(j.corpay.session(sessionId)?.session.sessionStatus, 'WAITING_TO_START');

      j.clock.advance(60_000);
      assert.equal(j.corpay.startWaitingSessions(), 1);
      await eventually(async () =>
        assert.ok(
          ['STOPPED', 'COMPLETE'].includes(String(j.corpay.session(sessionId)?.session.sessionStatus)),
        ),
      );
      assert.deepEqual(await stopsOf(j, charge.id), ['start_after_failure']);
      const stopCalls = j.corpay.requests(
        new RegExp(`^POST /sessions/${encodeURIComponent(sessionId)}/stop$`),
      );
      assert.equal(stopCalls.length, 2, 'the refused start_timeout stop, then the stop of the late session');
      const events = types(await chargeEvents(j, charge.id));
      assert.equal(events.filter((type) => type === 'ChargeSessionStopFailed').length, 1);
      assert.equal(events.at(-1), 'ChargeSessionCpmsStopAccepted');
      await assertVoidedOnly(j, intentId);
    } finally {
      j.corpay.configure({ start: 'accept' });
    }
  });

  it('Corpay: a late session whose stops keep failing (STOP_FAILED) is asked at most MAX_LATE_START_STOPS times', async () => {
    j.corpay.configure({ start: 'never' });
    try {
      const { intentId, charge } = await startCharge(j, 'ANK-LATE-3', 'A', 20_000);
      const accepted = await j.h.waitForCharge(charge.id, (c) => c.cpms.startAccepted === true);
      const sessionId: string = accepted.cpms.sessionId;
      j.clock.advance(121_000);
      await j.h.waitForCharge(charge.id, (c) => c.settlement !== null && c.stop?.status === 'failed');
      j.corpay.configure({ stop: 'fail' });
      assert.equal(j.corpay.startWaitingSessions(), 1);
      const expected = Array.from({ length: MAX_LATE_START_STOPS }, () => 'start_after_failure');
      await eventually(async () => assert.deepEqual(await stopsOf(j, charge.id), expected));
      const stopCalls = () =>
        j.corpay.requests(new RegExp(`^POST /sessions/${encodeURIComponent(sessionId)}/stop$`)).length;
      await eventually(async () => assert.equal(stopCalls(), 1 + MAX_LATE_START_STOPS));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(await stopsOf(j, charge.id), expected, 'no stop after the last allowed one');
      assert.equal(stopCalls(), 1 + MAX_LATE_START_STOPS);
      assert.equal(j.corpay.session(sessionId)?.session.sessionStatus, 'STOP_FAILED');
      await assertVoidedOnly(j, intentId);
    } finally {
      j.corpay.configure({ start: 'accept', stop: 'accept' });
    }
  });

  it('Corpay: after the watch window, a failed charge is no longer polled', async () => {
    j.corpay.configure({ start: 'never' });
    try {
      const { charge } = await startCharge(j, 'ANK-LATE-2', 'A', 20_000);
      const accepted = await j.h.waitForCharge(charge.id, (c) => c.cpms.startAccepted === true);
      const sessionPath = `GET /sessions/${encodeURIComponent(accepted.cpms.sessionId)}`;
      j.clock.advance(121_000);
      await j.h.waitForCharge(charge.id, (c) => c.settlement !== null && c.stop?.status === 'failed');
      const polls = () => j.corpay.requests().filter((line) => line === sessionPath).length;
      const during = polls();
      await eventually(async () => assert.ok(polls() > during, 'polled within the window'));
      j.clock.advance(600_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = polls();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(polls(), after, 'no poll once the window is over');
    } finally {
      j.corpay.configure({ start: 'accept' });
    }
  });

  it('Longship without pushes: a start never confirmed, started later, is found by polling and stopped', async () => {
    silentLongship.configure({ startConfirm: 'never' });
    try {
      const { intentId, charge } = await startCharge(j, 'IST-LATE-1', 'A', 20_000);
      // The adapter sets its confirmation deadline before it first asks about the message.
      await eventually(async () => assert.ok(silentLongship.requests(/LS-LATE-1\/messages/).length > 0));
      assert.equal(silentLongship.requests(/LS-LATE-1\/remotestart/).length, 1);
      j.clock.advance(31_000);
      const failed = await j.h.waitForCharge(charge.id, (c) => c.settlement !== null);
      assert.deepEqual([failed.status, failed.settlement.outcome], ['failed', 'voided']);
      assert.match(failed.failure.message, /start_not_confirmed/);

      assert.equal(silentLongship.confirmHeldStarts(), 1);
      const [session] = silentLongship.sessionsOf(idTagFor(charge.id));
      assert.equal(session?.status, 'ACTIVE');
      await eventually(async () => assert.equal(silentLongship.session(session!.id)?.status, 'COMPLETED'));
      assert.deepEqual(await stopsOf(j, charge.id), ['start_after_failure']);
      assert.equal(silentLongship.requests(/LS-LATE-1\/remotestop/).length, 1);
      assert.equal(silentLongship.pushes().length, 0, 'nothing was pushed');
      await assertVoidedOnly(j, intentId);
    } finally {
      silentLongship.configure({ startConfirm: 'accept' });
    }
  });
});
