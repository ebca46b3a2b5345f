import assert from 'node:assert/strict';
import { configureCorpay, configureLongship, INFRA, startJourney, type Journey } from './journey-harness';

describe('Journey: adapter health follows the simulator failing and recovering', function () {
  this.timeout(60_000);
  let j: Journey;
  let mappingId: string;
  let opsKey: string;

  before(async () => {
    j = await startJourney();
    await configureLongship(j);
    await configureCorpay(j);
    j.longship.addChargePoint('LS-HEALTH', 1);
    mappingId = (
      await j.map({
        stationId: 'BUR-HEALTH',
        adapterType: 'longship',
        chargePointId: 'LS-HEALTH',
        connectors: [{ connectorId: '1', connectorNumber: 1 }],
      })
    ).id;
    opsKey = await j.h.api.issueKey({ scopes: ['infrastructure:read'] });
  });
  after(() => j.close());

  /** One call of the adapter: the mapping test reads the charge point's status from the simulator. */
  const testStation = async () => {
    const response = await j.call('POST', `${INFRA}/mappings/${mappingId}/test`, j.infraKey);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  const longshipHealth = async () => {
    const response = await j.call('GET', `${INFRA}/adapters/health`, j.infraKey);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data.find((entry: any) => entry.adapterType === 'longship').health;
  };
  const detailedCheck = async () => {
    const response = await j.call('GET', '/health/detailed', opsKey);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return {
      overall: response.body.status,
      check: response.body.checks['cpmsAdapter:longship:responseTime'][0],
    };
  };

  it('is up, turns degraded after a failure and down when failures persist and the circuit opens', async () => {
    assert.equal((await testStation()).ok, true);
    assert.deepEqual([(await longshipHealth()).state, (await detailedCheck()).check.status], ['up', 'pass']);

    // Both attempts of one read answer 500 (a GET is retried): one failed call.
    j.longship.faults.failNext(2, { kind: 'status', status: 500 });
    const failed = await testStation();
    assert.deepEqual([failed.ok, failed.error.code], [false, 'cpms_server_error']);
    const degraded = await longshipHealth();
    assert.deepEqual(
      [degraded.state, degraded.circuit, degraded.lastError.code],
      ['degraded', 'closed', 'cpms_server_error'],
    );

    j.longship.faults.failNext(1_000, { kind: 'hang', ms: 2_000 });
    for (let call = 0; call < 3; call += 1) await testStation();
    const down = await longshipHealth();
    assert.deepEqual([down.state, down.circuit, down.lastError.code], ['down', 'open', 'cpms_timeout']);
    const requestsWhileOpen = j.longship.requests().length;
    assert.equal((await testStation()).error.code, 'cpms_circuit_open');
    assert.equal(j.longship.requests().length, requestsWhileOpen, 'an open circuit sends nothing');

    const { overall, check } = await detailedCheck();
    assert.deepEqual([check.status, check.output], ['warn', 'longship down: cpms_timeout']);
    assert.equal(overall, 'pass', 'a CPMS outage never fails the gateway itself');
    const ready = await j.call('GET', '/health/ready', opsKey);
    assert.equal(ready.status, 200);
  });

  it('recovers when the simulator does: half open, closed, then up once the failures leave the window', async () => {
    j.longship.faults.clear();
    j.clock.advance(1_100);
    assert.equal((await longshipHealth()).circuit, 'half_open');
    assert.equal((await testStation()).ok, true);
    const closed = await longshipHealth();
    assert.deepEqual([closed.circuit, closed.state], ['closed', 'degraded'], 'the failures still weigh');

    j.clock.advance(5 * 60_000 + 1_000);
    assert.equal((await testStation()).ok, true);
    const up = await longshipHealth();
    assert.deepEqual([up.state, up.circuit, up.errorRate], ['up', 'closed', 0]);
    assert.equal((await detailedCheck()).check.status, 'pass');
  });

  it("shows Corpay's token expiry once the adapter holds a token", async () => {
    const corpayHealth = async () =>
      (await j.call('GET', `${INFRA}/adapters/health`, j.infraKey)).body.data.find(
        (entry: any) => entry.adapterType === 'corpay',
      );
    const before = await corpayHealth();
    assert.deepEqual([before.status, before.health.tokenExpiresAt], ['configured', null]);
    j.corpay.addConnector('CORPAY-HEALTH-1');
    const mapping = await j.map({
      stationId: 'BUR-CORPAY',
      adapterType: 'corpay',
      chargePointId: 'CORPAY-CP',
      connectors: [{ connectorId: '1', connectorNumber: 1, cpmsConnectorId: 'CORPAY-HEALTH-1' }],
    });
    const tested = await j.call('POST', `${INFRA}/mappings/${mapping.id}/test`, j.infraKey);
    assert.equal(tested.body.ok, true, JSON.stringify(tested.body));
    const after = await corpayHealth();
    assert.equal(after.health.state, 'up');
    assert.equal(after.health.tokenExpiresAt, new Date(j.clock.now().getTime() + 300_000).toISOString());
  });
});
