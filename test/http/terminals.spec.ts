import assert from 'node:assert/strict';
import { ManualClock, startTestGateway, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerBody, registerTerminal } from './terminals.fixtures';

describe('HTTP: terminals', () => {
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  let api: TestGateway;
  let operator: string;

  before(async () => {
    api = await startTestGateway({ clock });
    operator = await operatorKey(api);
  });
  after(() => api.close());

  it('registers a terminal with its own key, shown once, and reads it back', async () => {
    const response = await api.request('POST', '/v1/terminals', {
      key: operator,
      body: registerBody('SN-REG-1', { label: 'Bay 3', metadata: { bay: '3' } }),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const { terminal, credential } = response.body;
    assert.match(terminal.id, /^trm_/);
    assert.equal(response.headers.get('location'), `/v1/terminals/${terminal.id}`);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.deepEqual(
      [terminal.status, terminal.connectivity, terminal.health.status, terminal.merchantId, terminal.label],
      ['active', 'offline', 'unknown', 'mer_test', 'Bay 3'],
    );
    assert.equal(credential.terminalId, terminal.id);
    assert.equal(credential.id, terminal.credentialId);
    assert.match(credential.apiKey, /^epk_test_/);

    const own = await api.request('GET', `/v1/terminals/${terminal.id}`, { key: credential.apiKey });
    assert.equal(own.status, 200);
    assert.deepEqual(own.body, terminal);
    const events = (await api.allEvents()).filter((event) =>
      [`terminal-${terminal.id}`, `api_key-${credential.id}`].includes(event.streamName),
    );
    assert.deepEqual(
      events.map((event) => event.type),
      ['TerminalRegistered', 'ApiKeyIssued'],
    );
    assert.ok(!JSON.stringify(events.map((event) => event.data)).includes(credential.apiKey));
  });

  it('refuses a second registration of the same serial number: 409', async () => {
    await registerTerminal(api, operator, 'SN-DUP');
    const again = await api.request('POST', '/v1/terminals', { key: operator, body: registerBody('SN-DUP') });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'terminal_exists');
  });

  it('replays a registration retried with the same Idempotency-Key', async () => {
    const send = () =>
      api.request('POST', '/v1/terminals', {
        key: operator,
        body: registerBody('SN-IDEM'),
        headers: { 'idempotency-key': 'register-idem-1' },
      });
    const first = await send();
    const second = await send();
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.body, first.body);
  });

  it('records health: last seen, readings and problems; comes online; ignores repeats and older events', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-HEALTH');
    const path = `/v1/terminals/${terminal.id}/health-events`;
    const t0 = clock.now();
    const first = await api.request('POST', path, {
      key: apiKey,
      body: heartbeat(t0, {
        eventId: 'h-1',
        type: 'battery',
        battery: { levelPercent: 9, charging: false },
        paper: { status: 'low' },
      }),
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.connectivity, 'online');
    assert.equal(first.body.lastSeenAt, t0.toISOString());
    assert.deepEqual(first.body.health.problems, ['low_battery', 'paper_low']);
    assert.equal(first.body.health.status, 'degraded');

    const repeat = await api.request('POST', path, {
      key: apiKey,
      body: heartbeat(t0, { eventId: 'h-1', type: 'battery', battery: { levelPercent: 9, charging: false } }),
    });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.version, first.body.version, 'a repeated event changed the terminal');

    clock.advance(60_000);
    const newer = await api.request('POST', path, {
      key: apiKey,
      body: heartbeat(clock.now(), {
        eventId: 'h-2',
        type: 'battery',
        battery: { levelPercent: 80, charging: true },
      }),
    });
    assert.deepEqual(newer.body.health.problems, ['paper_low']);
    const older = await api.request('POST', path, {
      key: apiKey,
      body: heartbeat(new Date(t0.getTime() + 30_000), {
        eventId: 'h-late',
        type: 'battery',
        battery: { levelPercent: 5, charging: false },
      }),
    });
    assert.equal(older.status, 200);
    assert.equal(older.body.lastSeenAt, clock.now().toISOString(), 'an older event moved last-seen back');
    assert.deepEqual(older.body.health.battery, {
      levelPercent: 80,
      charging: true,
      reportedAt: clock.now().toISOString(),
    });
    const read = await api.request('GET', `/v1/terminals/${terminal.id}`, { key: operator });
    assert.deepEqual(read.body, older.body);
  });

  it("a terminal's key reaches only itself; operators cannot post for another merchant's terminal", async () => {
    const { terminal: mine, apiKey } = await registerTerminal(api, operator, 'SN-SELF-1');
    const { terminal: other } = await registerTerminal(api, operator, 'SN-SELF-2');
    assert.equal((await api.request('GET', `/v1/terminals/${other.id}`, { key: apiKey })).status, 404);
    const foreign = await api.request('POST', `/v1/terminals/${other.id}/health-events`, {
      key: apiKey,
      body: heartbeat(clock.now()),
    });
    assert.equal(foreign.status, 404);
    const list = await api.request('GET', '/v1/terminals', { key: apiKey });
    assert.deepEqual(
      list.body.data.map((item: any) => item.id),
      [mine.id],
    );
    const otherMerchant = await operatorKey(api, 'mer_other');
    assert.equal((await api.request('GET', `/v1/terminals/${mine.id}`, { key: otherMerchant })).status, 404);
    const stats = await api.request('GET', '/v1/terminals/stats', { key: apiKey });
    assert.equal(stats.status, 403);
    const register = await api.request('POST', '/v1/terminals', { key: apiKey, body: registerBody('SN-X') });
    assert.equal(register.status, 403);
    assert.equal(register.body.error.code, 'operator_credential_required');
  });
});
