import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import {
  capturesOf,
  configureCorpay,
  runToCapture,
  startCharge,
  assertRefusedAndVoided,
  startOnBusyConnector,
  startJourney,
  type Journey,
} from './journey-harness';

const STATIONS = ['ANK-CP-1', 'ANK-CP-2', 'ANK-CP-3', 'ANK-CP-4', 'ANK-CP-5', 'ANK-CP-6'];
const corpayConnectorOf = (station: string, connector: 'A' | 'B') => `${station}-CONN-${connector}`;

describe('Journey: a charge through the Corpay adapter and its simulator, over HTTP', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney({ corpayTokenLifetimeSeconds: 300 });
    await j.h.putTariff('standard');
    await configureCorpay(j);
    for (const station of STATIONS) {
      j.corpay.addConnector(corpayConnectorOf(station, 'A'));
      j.corpay.addConnector(corpayConnectorOf(station, 'B'));
      await j.map({
        stationId: station,
        adapterType: 'corpay',
        chargePointId: `${station}-CP`,
        connectors: [
          { connectorId: 'A', connectorNumber: 1, cpmsConnectorId: corpayConnectorOf(station, 'A') },
          { connectorId: 'B', connectorNumber: 2, cpmsConnectorId: corpayConnectorOf(station, 'B') },
        ],
      });
    }
  });
  after(() => j.close());

  it("starts on the mapping's Corpay connector, meters, stops and captures exactly once", async () => {
    const { intentId, charge } = await startCharge(j, 'ANK-CP-1', 'B');
    const active = await runToCapture(j, charge.id, intentId);
    const sessionId: string = active.cpms.sessionId;
    assert.equal(j.corpay.session(sessionId)?.session.connector?.connectorId, 'ANK-CP-1-CONN-B');
    await eventually(async () =>
      assert.equal(j.corpay.session(sessionId)?.session.sessionStatus, 'COMPLETE'),
    );
    assert.deepEqual(j.corpay.requests(/^POST \/sessions/), [
      'POST /sessions/start',
      `POST /sessions/${encodeURIComponent(sessionId)}/stop`,
    ]);
  });

  it('voids the intent when Corpay refuses a busy connector', async () => {
    const busy = await startOnBusyConnector(j, 'ANK-CP-2', 'A');
    const { first } = busy;
    await assertRefusedAndVoided(j, busy, /connector_busy/);
    await runToCapture(j, first.charge.id, first.intentId);
  });

  it('retries a start that timed out before Corpay acted, and runs one session', async () => {
    j.corpay.faults.failNext(1, { kind: 'hang', ms: 2_000 }, /^\/sessions\/start$/);
    const startsBefore = j.corpay.requests(/POST \/sessions\/start/).length;
    const { intentId, charge } = await startCharge(j, 'ANK-CP-4', 'A');
    const active = await runToCapture(j, charge.id, intentId);
    assert.equal(j.corpay.requests(/POST \/sessions\/start/).length - startsBefore, 2);
    assert.equal(j.corpay.session(active.cpms.sessionId)?.session.connector?.connectorId, 'ANK-CP-4-CONN-A');
  });

  it('refreshes the token once when it is revoked mid-session, and completes the journey', async () => {
    const { intentId, charge } = await startCharge(j, 'ANK-CP-5', 'A');
    const at = { issued: 0, revoked: 0 };
    await runToCapture(j, charge.id, intentId, async () => {
      // Let a status poll run on the current clock (a token refreshed before its expiry), then revoke it.
      const gets = j.corpay.requests(/^GET /).length;
      await eventually(async () => assert.ok(j.corpay.requests(/^GET /).length > gets + 1));
      [at.issued, at.revoked] = [j.corpay.issuedTokens, j.corpay.unknownTokenCalls];
      j.corpay.revokeTokens();
      await eventually(async () =>
        assert.ok(j.corpay.unknownTokenCalls > at.revoked, 'the revoked token refused'),
      );
      await eventually(async () =>
        assert.equal(j.corpay.issuedTokens - at.issued, 1, 'refreshed on the 401'),
      );
    });
    // The revoked token is replaced once, however many calls were in flight with it; the last 10 minutes of
    // the session then outlive the new token's 300 s, and it is replaced once more. How many calls Corpay
    // refuses says only how many were in flight (with the revoked token, or at the test's clock jump with
    // one just expired): a busy machine has more. Each refusal must not cost a token of its own.
    assert.equal(j.corpay.issuedTokens - at.issued, 2);
  });

  it('voids the intent at the start deadline when Corpay never leaves WAITING_TO_START', async () => {
    j.corpay.configure({ start: 'never' });
    try {
      const { intentId, charge } = await startCharge(j, 'ANK-CP-6', 'A', 20_000);
      const accepted = await j.h.waitForCharge(charge.id, (c) => c.cpms.startAccepted === true);
      assert.equal(j.corpay.session(accepted.cpms.sessionId)?.session.sessionStatus, 'WAITING_TO_START');
      j.clock.advance(121_000);
      const failed = await j.h.waitForCharge(charge.id, (c) => c.settlement !== null);
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.settlement.outcome],
        ['failed', 'start_timeout', 'voided'],
      );
      assert.equal(await capturesOf(j, intentId), 0);
    } finally {
      j.corpay.configure({ start: 'accept' });
    }
  });

  // Last: its failed starts open the circuit breaker, whose reset runs on the journey's manual clock.
  it('voids the intent when every start answers 5xx until the start deadline', async () => {
    const startsBefore = j.corpay.requests(/POST \/sessions\/start/).length;
    j.corpay.faults.failNext(1_000, { kind: 'status', status: 502 }, /^\/sessions\/start$/);
    try {
      const { intentId, charge } = await startCharge(j, 'ANK-CP-3', 'A', 20_000);
      await eventually(async () =>
        assert.ok(
          j.corpay.requests(/POST \/sessions\/start/).length - startsBefore >= 3,
          'the job retried the start',
        ),
      );
      j.clock.advance(121_000);
      const failed = await j.h.waitForCharge(charge.id, (c) => c.settlement !== null);
      assert.deepEqual(
        [failed.status, failed.failure.reason, failed.settlement.outcome],
        ['failed', 'start_timeout', 'voided'],
      );
      assert.equal(await capturesOf(j, intentId), 0);
    } finally {
      j.corpay.faults.clear();
    }
  });
});
