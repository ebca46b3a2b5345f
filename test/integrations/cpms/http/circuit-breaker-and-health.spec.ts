import assert from 'node:assert/strict';
import { CpmsUnavailableError } from '../../../../src/integrations/cpms/cpms-adapter';
import { CircuitBreaker } from '../../../../src/integrations/cpms/http/circuit-breaker';
import type { CpmsCallError } from '../../../../src/integrations/cpms/http/cpms-call-error';
import { HEALTH_THRESHOLDS } from '../../../../src/integrations/cpms/http/health-tracker';
import { longshipAdapterFactory } from '../../../../src/integrations/cpms/longship/longship-adapter';
import { LongshipSimulator } from '../../../../src/integrations/cpms/longship/simulator/longship-simulator';
import type { StationAdapter } from '../../../../src/integrations/cpms/station-adapter';
import { adapterDeps, longshipSettings } from '../support/adapter-fixtures';

const credentials = {
  tenantKey: 'tenant-key-breaker-0001',
  applicationKey: 'application-key-breaker-0001',
  webhookSecret: 'webhook-secret-breaker-0001',
};

describe('Circuit breaker (by hand)', () => {
  it('opens after failureThreshold consecutive failures, lets one trial through after resetMs, closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(
      () => ({ failureThreshold: 2, resetMs: 100 }),
      () => now,
    );
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    assert.equal(breaker.state, 'closed', 'a success in between resets the count');
    breaker.recordFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.tryAcquire(), false);
    now = 100;
    assert.equal(breaker.state, 'half_open');
    assert.equal(breaker.tryAcquire(), true);
    assert.equal(breaker.tryAcquire(), false, 'one trial at a time');
    breaker.recordFailure();
    assert.equal(breaker.state, 'open', 'a failed trial opens it again');
    now = 200;
    assert.equal(breaker.tryAcquire(), true);
    breaker.recordSuccess();
    assert.equal(breaker.state, 'closed');
  });
});

describe('Circuit breaker and health of an adapter whose CPMS fails and recovers, over HTTP', () => {
  const simulator = new LongshipSimulator({
    tenantKey: credentials.tenantKey,
    applicationKey: credentials.applicationKey,
  });
  let adapter: StationAdapter;

  before(async () => {
    const url = await simulator.listen();
    simulator.addChargePoint('CP-H', 1);
    adapter = longshipAdapterFactory(
      longshipSettings(url, credentials, {
        retry: { attempts: 1, backoffMs: 1 },
        circuitBreaker: { failureThreshold: 3, resetMs: 600 },
      }),
      adapterDeps().deps,
    );
  });
  after(() => simulator.close());

  const poll = () => adapter.pollConnectorStatuses(['CP-H']);

  it('goes up -> degraded -> down (circuit open, calls refused without reaching the CPMS) -> half open -> up', async () => {
    assert.equal(adapter.health().state, 'up');
    for (let i = 0; i < 4; i += 1) await poll();
    const healthy = adapter.health();
    assert.deepEqual(
      [healthy.state, healthy.circuit, healthy.errorRate, healthy.requestsInWindow],
      ['up', 'closed', 0, 4],
    );
    assert.ok(healthy.lastSuccessAt && healthy.latencyMs.p50 !== null && healthy.latencyMs.p99 !== null);

    simulator.faults.failNext(3, { kind: 'status', status: 503 });
    await assert.rejects(poll(), CpmsUnavailableError);
    assert.equal(adapter.health().state, 'degraded');
    await assert.rejects(poll(), CpmsUnavailableError);
    await assert.rejects(poll(), CpmsUnavailableError);
    const down = adapter.health();
    assert.deepEqual([down.state, down.circuit], ['down', 'open']);
    assert.equal(down.lastError?.code, 'cpms_server_error');

    const seen = simulator.requests().length;
    await assert.rejects(poll(), (error: unknown) => (error as CpmsCallError).code === 'cpms_circuit_open');
    assert.equal(simulator.requests().length, seen, 'an open circuit sends nothing');

    await new Promise((resolve) => setTimeout(resolve, 650));
    assert.deepEqual([adapter.health().circuit, adapter.health().state], ['half_open', 'degraded']);
    await poll();
    assert.equal(adapter.health().circuit, 'closed');
    for (let i = 0; i < HEALTH_THRESHOLDS.windowSize && adapter.health().state !== 'up'; i += 1) await poll();
    assert.equal(adapter.health().state, 'up', 'recovers once the failures leave the window');
  });

  it('opens again at once when the half-open trial fails', async () => {
    simulator.faults.failNext(3, { kind: 'status', status: 500 });
    for (let i = 0; i < 3; i += 1) await assert.rejects(poll(), CpmsUnavailableError);
    assert.equal(adapter.health().circuit, 'open');
    await new Promise((resolve) => setTimeout(resolve, 650));
    simulator.faults.failNext(1, { kind: 'status', status: 500 });
    await assert.rejects(poll(), CpmsUnavailableError);
    assert.deepEqual([adapter.health().circuit, adapter.health().state], ['open', 'down']);
    await new Promise((resolve) => setTimeout(resolve, 650));
    await poll();
    assert.equal(adapter.health().circuit, 'closed');
  });
});
