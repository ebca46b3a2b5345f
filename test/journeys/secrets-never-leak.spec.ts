import assert from 'node:assert/strict';
import { LONGSHIP_WEBHOOK_MOUNT_PATH } from '../../src/integrations/cpms/longship/longship-webhook-router';
import { eventually } from '../support/eventually';
import {
  CORPAY_CREDENTIALS,
  configureCorpay,
  configureLongship,
  INFRA,
  LONGSHIP_CREDENTIALS,
  runToCapture,
  startCharge,
  startJourney,
  type Journey,
} from './journey-harness';

/**
 * Whole journeys through both adapters, their failure paths included, then every answer the gateway
 * gave (headers and bodies), every log line it wrote (debug and up) and its metrics, scanned for every
 * secret in play: the CPMS credentials, the access tokens Corpay issued, and our own API keys.
 */
describe('Journey: no secret in any response or log line', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney();
    await j.h.putTariff('standard');
  });
  after(() => j.close());

  it('runs both adapters through success and failure, and finds no secret anywhere', async () => {
    await configureLongship(j);
    await configureCorpay(j);
    j.longship.addChargePoint('LS-SECRET', 2);
    j.corpay.addConnector('CORPAY-SECRET-1');
    const longshipMapping = await j.map({
      stationId: 'SEC-LS',
      adapterType: 'longship',
      chargePointId: 'LS-SECRET',
      connectors: [{ connectorId: '1', connectorNumber: 1 }],
    });
    const corpayMapping = await j.map({
      stationId: 'SEC-CP',
      adapterType: 'corpay',
      chargePointId: 'CORPAY-CP',
      connectors: [{ connectorId: '1', connectorNumber: 1, cpmsConnectorId: 'CORPAY-SECRET-1' }],
    });
    for (const id of [longshipMapping.id, corpayMapping.id])
      assert.equal((await j.call('POST', `${INFRA}/mappings/${id}/test`, j.infraKey)).body.ok, true);

    // Longship: a charge to capture (its pushes reach the receiver), then a start refused by a 401.
    const longship = await startCharge(j, 'SEC-LS', '1');
    await runToCapture(j, longship.charge.id, longship.intentId);
    j.longship.faults.failNext(1, { kind: 'status', status: 401 }, /remotestart/);
    j.clock.advance(61_000);
    const refused = await startCharge(j, 'SEC-LS', '1', 20_000);
    await eventually(async () => assert.ok(j.longship.requests(/remotestart/).length >= 2));

    // Corpay: a charge whose token is revoked mid-session, and a mapping test whose credentials fail.
    const corpay = await startCharge(j, 'SEC-CP', '1');
    await runToCapture(j, corpay.charge.id, corpay.intentId, async () => {
      const gets = j.corpay.requests(/^GET /).length;
      await eventually(async () => assert.ok(j.corpay.requests(/^GET /).length > gets + 1));
      j.corpay.revokeTokens();
      await eventually(async () => assert.ok(j.corpay.unauthorizedCalls > 0));
    });
    j.corpay.faults.failNext(4, { kind: 'status', status: 401 }, /openid-connect\/token/);
    j.clock.advance(10 * 60_000);
    await j.call('POST', `${INFRA}/mappings/${corpayMapping.id}/test`, j.infraKey);

    // A push with a wrong secret, the config, the health, the audit trail and the metrics.
    const wrong = await fetch(`${j.h.api.url}${LONGSHIP_WEBHOOK_MOUNT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'x-longship-webhook-secret': 'nope' },
      body: '{}',
    });
    j.bodies.push(await wrong.text());
    assert.equal(wrong.status, 401);
    await j.call('GET', `${INFRA}/config`, j.infraKey);
    await j.call('GET', `${INFRA}/adapters/health`, j.infraKey);
    await j.call('GET', '/health/detailed', j.infraKey);
    for (const stream of ['station_adapter_config-longship', 'station_adapter_config-corpay'])
      assert.equal((await j.call('GET', `/v1/audit/streams/${stream}/events`, j.adminKey)).status, 200);
    await j.call('GET', '/metrics', j.adminKey);
    await j.h.waitForCharge(refused.charge.id, () => true);

    const secrets = {
      ...LONGSHIP_CREDENTIALS,
      clientSecret: CORPAY_CREDENTIALS.clientSecret,
      infraKey: j.infraKey,
      adminKey: j.adminKey,
      terminalKey: j.h.key,
      ...Object.fromEntries(
        j.corpay.issuedTokenValues().map((token, index) => [`accessToken${index}`, token]),
      ),
    };
    assert.ok(j.corpay.issuedTokenValues().length >= 2, 'tokens were issued and replaced');
    assert.ok(j.logLines.length > 50, `the journeys logged (${j.logLines.length} lines)`);
    const answers = JSON.stringify(j.bodies);
    const logs = j.logLines.join('\n');
    // The scan sees what it should: the configuration's base URL is answered, the pushes are logged.
    assert.ok(answers.includes(j.longshipUrl), 'the configuration answer was scanned');
    assert.ok(logs.includes(LONGSHIP_WEBHOOK_MOUNT_PATH), 'the receiver requests were logged and scanned');
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(!answers.includes(secret), `${name} appears in a response`);
      assert.ok(!logs.includes(secret), `${name} appears in a log line`);
    }
  });
});
