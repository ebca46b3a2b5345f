import assert from 'node:assert/strict';
import {
  CONFIG,
  LONGSHIP_SECRETS,
  startInfraHarness,
  type InfraHarness,
} from './charging-infrastructure.fixtures';

const HEALTH = '/v1/charging-infrastructure/adapters/health';

describe('HTTP: CPMS adapter configuration and health', function () {
  this.timeout(30_000);
  let h: InfraHarness;

  before(async () => {
    h = await startInfraHarness();
  });
  after(async () => {
    await h.close();
    assert.ok(h.logLines.length > 0, 'the gateway logged');
    assert.deepEqual(secretsIn(h.logLines.join('\n')), [], 'no secret in any log line');
  });

  const secretsIn = (text: string): string[] =>
    Object.values(LONGSHIP_SECRETS).filter((secret) => text.includes(secret));

  it('shows every adapter type, unconfigured at first, and its health as not_configured', async () => {
    const listed = await h.api.request('GET', CONFIG, { key: h.key });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.data.map((entry: any) => [entry.adapterType, entry.configured, entry.version]),
      [
        ['longship', false, 0],
        ['corpay', false, 0],
      ],
    );
    assert.deepEqual(listed.body.data[1].credentials, {
      clientId: { set: false },
      clientSecret: { set: false },
    });
    const health = await h.api.request('GET', HEALTH, { key: h.key });
    assert.deepEqual(
      health.body.data.map((entry: any) => [entry.adapterType, entry.status, entry.health]),
      [
        ['longship', 'not_configured', null],
        ['corpay', 'not_configured', null],
      ],
    );
  });

  it('takes an admin key, validates, and needs baseUrl and every credential at first', async () => {
    const body = { baseUrl: 'https://cpms.example', credentials: LONGSHIP_SECRETS };
    const notAdmin = await h.api.request('PATCH', `${CONFIG}/longship`, { key: h.key, body });
    assert.deepEqual([notAdmin.status, notAdmin.body.error.code], [403, 'admin_required']);
    const reader = await h.api.issueKey({ scopes: ['infrastructure:read'] });
    assert.equal((await h.api.request('PATCH', `${CONFIG}/longship`, { key: reader, body })).status, 403);

    const cases: [string, unknown, string][] = [
      ['longship', { baseUrl: 'ftp://cpms.example', credentials: LONGSHIP_SECRETS }, 'baseUrl'],
      ['longship', { baseUrl: 'not a url', credentials: LONGSHIP_SECRETS }, 'baseUrl'],
      ['longship', { credentials: LONGSHIP_SECRETS }, 'baseUrl'],
      [
        'longship',
        { baseUrl: 'https://cpms.example', credentials: { tenantKey: 'x' } },
        'credentials.applicationKey',
      ],
      [
        'longship',
        { ...body, credentials: { tenantKey: 'a', applicationKey: 'b', clientSecret: 'x' } },
        'credentials.clientSecret',
      ],
      ['longship', { ...body, timeouts: { requestMs: 5 } }, 'timeouts.requestMs'],
      [
        'longship',
        { ...body, timeouts: { requestMs: 60_000, startConfirmMs: 2_000 } },
        'timeouts.startConfirmMs',
      ],
      ['longship', { ...body, pollIntervalMs: 10 }, 'pollIntervalMs'],
      ['ocpi', body, 'adapterType'],
    ];
    for (const [type, patch, param] of cases) {
      const response = await h.api.request('PATCH', `${CONFIG}/${type}`, { key: h.admin, body: patch });
      assert.equal(response.status, 400, `${JSON.stringify(patch)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.param, param, JSON.stringify(response.body));
      assert.deepEqual(secretsIn(JSON.stringify(response.body)), []);
    }
  });

  it('keeps secrets write-only: encrypted in the stream, never in an answer or a log line', async () => {
    const configured = await h.configureLongship({ pollIntervalMs: 0 });
    assert.deepEqual(configured.credentials, {
      tenantKey: { set: true },
      applicationKey: { set: true },
      webhookSecret: { set: true },
    });
    assert.equal(configured.version, 1);
    assert.ok(configured.updatedBy?.startsWith('key_'), configured.updatedBy);
    const listed = await h.api.request('GET', CONFIG, { key: h.key });
    const health = await h.api.request('GET', HEALTH, { key: h.key });
    const detailed = await h.api.request('GET', '/health/detailed', { key: h.key });
    for (const answer of [configured, listed.body, health.body, detailed.body]) {
      assert.deepEqual(secretsIn(JSON.stringify(answer)), []);
    }

    const events = (await h.api.allEvents()).filter(
      (event) => event.streamName === 'station_adapter_config-longship',
    );
    assert.equal(events.length, 1);
    assert.deepEqual(
      secretsIn(JSON.stringify(events.map((event) => [event.data, event.metadata]))),
      [],
      'the stream holds ciphertexts only',
    );
    assert.deepEqual(events[0]?.data.changed, [
      'timeouts',
      'retry',
      'circuitBreaker',
      'pollIntervalMs',
      'enabled',
      'baseUrl',
      'credentials.tenantKey',
      'credentials.applicationKey',
      'credentials.webhookSecret',
    ]);
    assert.equal(events[0]?.metadata.actor.kind, 'api_key');
    // The adapter itself gets the plain secrets.
    assert.deepEqual(h.cpms.built.at(-1)?.credentials, LONGSHIP_SECRETS);
  });

  it('applies a change without a restart: the old adapter is closed and a new one built', async () => {
    await h.api.request('POST', `/v1/charging-infrastructure/mappings`, {
      key: h.key,
      body: {
        stationId: 'CFG-1',
        adapterType: 'longship',
        chargePointId: 'CP-CFG-1',
        connectors: [{ connectorId: '1', connectorNumber: 1 }],
      },
    });
    const mapping = (
      await h.api.request('GET', '/v1/charging-infrastructure/mappings?stationId=CFG-1', { key: h.key })
    ).body.data[0];
    await h.api.request('POST', `/v1/charging-infrastructure/mappings/${mapping.id}/test`, { key: h.key });
    const builtBefore = h.cpms.built.length;
    const closedBefore = h.cpms.closed;

    const stale = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      headers: { 'If-Match': '"9"' },
      body: { baseUrl: 'http://127.0.0.1:9/v2' },
    });
    assert.equal(stale.status, 412);
    const changed = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      headers: { 'If-Match': '"1"' },
      body: { baseUrl: 'http://127.0.0.1:9/v2', retry: { attempts: 5 } },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.version, changed.body.retry], [2, { attempts: 5, backoffMs: 500 }]);
    assert.equal(changed.headers.get('etag'), '"2"');
    const unchanged = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      body: { baseUrl: 'http://127.0.0.1:9/v2' },
    });
    assert.equal(unchanged.body.version, 2, 'no change, no event');

    await h.api.request('POST', `/v1/charging-infrastructure/mappings/${mapping.id}/test`, { key: h.key });
    assert.equal(h.cpms.built.length, builtBefore + 1);
    assert.equal(h.cpms.closed, closedBefore + 1);
    assert.equal(h.cpms.callsOf('test').at(-1)?.baseUrl, 'http://127.0.0.1:9/v2');
    assert.deepEqual(h.cpms.built.at(-1)?.credentials, LONGSHIP_SECRETS, 'secrets not given stay');

    const disabled = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      body: { enabled: false },
    });
    assert.equal(disabled.body.enabled, false);
    const test = await h.api.request('POST', `/v1/charging-infrastructure/mappings/${mapping.id}/test`, {
      key: h.key,
    });
    assert.deepEqual([test.status, test.body.error.code], [409, 'adapter_not_configured']);
    assert.equal(h.cpms.closed, closedBefore + 2);
    await h.api.request('PATCH', `${CONFIG}/longship`, { key: h.admin, body: { enabled: true } });
  });

  it('reports adapter health, and a down CPMS in /health/detailed as a warning that does not fail the gateway', async () => {
    const up = await h.api.request('GET', HEALTH, { key: h.key });
    assert.deepEqual(
      up.body.data.map((entry: any) => [entry.adapterType, entry.status, entry.health?.state ?? null]),
      [
        ['longship', 'configured', 'up'],
        ['corpay', 'not_configured', null],
      ],
    );
    h.cpms.state = 'down';
    const down = await h.api.request('GET', HEALTH, { key: h.key });
    assert.deepEqual([down.body.data[0].health.state, down.body.data[0].health.circuit], ['down', 'open']);
    const detailed = await h.api.request('GET', '/health/detailed', { key: h.key });
    assert.equal(detailed.status, 200, JSON.stringify(detailed.body));
    const check = detailed.body.checks['cpmsAdapter:longship:responseTime'][0];
    assert.deepEqual([check.status, check.output], ['warn', 'longship down: cpms_5xx']);
    const ready = await h.api.request('GET', '/health/ready');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    h.cpms.state = 'up';
    const recovered = await h.api.request('GET', '/health/detailed', { key: h.key });
    assert.equal(recovered.body.checks['cpmsAdapter:longship:responseTime'][0].status, 'pass');
  });
});
