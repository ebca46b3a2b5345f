import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startGateway } from '../../src/runtime/gateway';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('HTTP: health and metrics', () => {
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway();
  });
  after(() => api.close());

  for (const path of ['/health', '/health/live', '/health/ready']) {
    it(`${path} answers without credentials`, async () => {
      const response = await api.request('GET', path);
      assert.equal(response.status, 200);
      assert.equal(response.body.status, 'pass');
    });
  }

  it('/health/ready lists each dependency', async () => {
    const response = await api.request('GET', '/health/ready');
    assert.deepEqual(Object.keys(response.body.checks).sort(), [
      'eventStore',
      'idempotencyStore',
      'jobQueue',
      'projector',
      'readStore',
      'webhookDispatcher',
    ]);
  });

  it('/health/ready answers 503 when an in-process component stopped', async () => {
    const stopped = await startTestGateway();
    try {
      await stopped.gateway.projector?.stop();
      const response = await stopped.request('GET', '/health/ready');
      assert.equal(response.status, 503);
      assert.equal(response.body.checks.projector, 'fail');
      assert.equal(response.body.checks.webhookDispatcher, 'pass');
    } finally {
      await stopped.close();
    }
  });

  it('/health/detailed needs infrastructure:read and gives each component with its latency', async () => {
    assert.equal((await api.request('GET', '/health/detailed')).status, 401);
    const paymentsOnly = await api.issueKey();
    assert.equal((await api.request('GET', '/health/detailed', { key: paymentsOnly })).status, 403);
    const ops = await api.issueKey({ scopes: ['infrastructure:read'] });
    const response = await api.request('GET', '/health/detailed', { key: ops });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/health\+json/);
    assert.equal(response.body.status, 'pass');
    const check = response.body.checks['eventStore:responseTime'][0];
    assert.equal(check.status, 'pass');
    assert.equal(check.observedUnit, 'ms');
    assert.equal(typeof check.observedValue, 'number');
  });

  it('/health/ready answers 503 when a dependency is down', async () => {
    const broken = await startTestGateway();
    await broken.gateway.infrastructure.idempotencyStore.close();
    try {
      const response = await broken.request('GET', '/health/ready');
      assert.equal(response.status, 503);
      assert.equal(response.body.checks.idempotencyStore, 'fail');
      assert.equal(response.body.checks.eventStore, 'pass');
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  it('/metrics exposes request durations by route template, never by raw id', async () => {
    const key = await api.issueKey({ scopes: ['infrastructure:read', 'payments:read'] });
    await api.request('GET', '/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV', { key });
    const response = await api.request('GET', '/metrics', { key });
    assert.equal(response.status, 200);
    const text = response.body as string;
    assert.match(text, /http_request_duration_seconds_bucket\{.*route="\/v1\/payment-intents\/\{id\}"/);
    assert.doesNotMatch(text, /pi_01ARZ3NDEKTSV4RRFFQ69G5FAV/);
    assert.match(text, /event_store_append_duration_seconds/);
    assert.match(text, /process_cpu_user_seconds_total/);
  });
});

describe('HTTP: health probes of a process without the API', () => {
  it('answers /health/live and /health/ready, and nothing else', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-probes-'));
    const gateway = await startGateway({
      config: loadConfig({ EDGEPAY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }),
      logger: silentLogger(),
      roles: ['projector', 'worker'],
    });
    try {
      const ready = await fetch(`${gateway.url}/health/ready`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { checks: Record<string, string> }).checks.projector, 'pass');
      assert.equal((await fetch(`${gateway.url}/health/live`)).status, 200);
      assert.equal(
        (await fetch(`${gateway.url}/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status,
        404,
      );
    } finally {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
