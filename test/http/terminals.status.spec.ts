import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerTerminal } from './terminals.fixtures';

describe('HTTP: terminal status and credentials', () => {
  let api: TestGateway;
  let operator: string;

  before(async () => {
    api = await startTestGateway({ env: { READ_YOUR_WRITES_TIMEOUT_MS: '500' } });
    operator = await operatorKey(api);
  });
  after(() => api.close());

  const setStatus = (id: string, body: object, key = operator, headers: Record<string, string> = {}) =>
    api.request('PUT', `/v1/terminals/${id}/status`, { key, body, headers });
  const self = (id: string, key: string) => api.request('GET', `/v1/terminals/${id}`, { key });
  const pay = (key: string) =>
    api.request('POST', '/v1/payment-intents', {
      key,
      body: { amount: 100, paymentMethodType: 'card_present' },
    });
  const streamTypes = async (streamName: string) =>
    (await api.allEvents()).filter((event) => event.streamName === streamName).map((event) => event.type);

  it("a suspended terminal's key is refused as soon as the suspension is answered, and works again after", async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-SUSPEND');
    assert.equal((await self(terminal.id, apiKey)).status, 200);

    const suspended = await setStatus(terminal.id, { status: 'suspended', reason: 'tampering suspected' });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
    assert.deepEqual(
      [suspended.body.status, suspended.body.statusReason],
      ['suspended', 'tampering suspected'],
    );
    const refused = await self(terminal.id, apiKey);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'terminal_not_in_service');
    assert.equal((await pay(apiKey)).status, 401);

    const active = await setStatus(terminal.id, { status: 'active' });
    assert.equal(active.status, 200);
    assert.equal((await self(terminal.id, apiKey)).status, 200);
  });

  it('does not answer a suspension before it is in force: 503 while the read models lag, then it holds', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-LAG');
    const projector = api.gateway.projector;
    assert.ok(projector);
    await projector.stop();
    try {
      const lagging = await setStatus(terminal.id, { status: 'suspended' });
      assert.equal(lagging.status, 503);
      assert.equal(lagging.body.error.code, 'read_model_lagging');
      assert.equal(lagging.headers.get('retry-after'), '1');
    } finally {
      await projector.start();
    }
    await eventually(async () => assert.equal((await self(terminal.id, apiKey)).status, 401));
    const retried = await setStatus(terminal.id, { status: 'suspended' });
    assert.equal(retried.status, 200);
    assert.deepEqual(await streamTypes(`terminal-${terminal.id}`), [
      'TerminalRegistered',
      'TerminalStatusChanged',
    ]);
  });

  it('decommissioning revokes the key for good; nothing more happens to the terminal', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-DECOM');
    const done = await setStatus(terminal.id, { status: 'decommissioned' });
    assert.equal(done.status, 200);
    assert.equal((await self(terminal.id, apiKey)).status, 401);
    assert.deepEqual(await streamTypes(`api_key-${terminal.credentialId}`), [
      'ApiKeyIssued',
      'ApiKeyRevoked',
    ]);

    const back = await setStatus(terminal.id, { status: 'active' });
    assert.equal(back.status, 409);
    assert.equal(back.body.error.code, 'terminal_decommissioned');
    const health = await api.request('POST', `/v1/terminals/${terminal.id}/health-events`, {
      key: operator,
      body: heartbeat(new Date()),
    });
    assert.equal(health.status, 409);
    const rotate = await api.request('POST', `/v1/terminals/${terminal.id}/credentials/rotate`, {
      key: operator,
    });
    assert.equal(rotate.status, 409);
  });

  it('a terminal in maintenance reports health but takes no payments', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-MAINT');
    assert.equal((await setStatus(terminal.id, { status: 'maintenance' })).status, 200);
    const health = await api.request('POST', `/v1/terminals/${terminal.id}/health-events`, {
      key: apiKey,
      body: heartbeat(new Date()),
    });
    assert.equal(health.status, 200);
    const payment = await pay(apiKey);
    assert.equal(payment.status, 403);
    assert.equal(payment.body.error.code, 'terminal_in_maintenance');
  });

  it('setting the same status again records nothing; If-Match guards the version', async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-SAME');
    const same = await setStatus(terminal.id, { status: 'active' });
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 1);
    const stale = await setStatus(terminal.id, { status: 'suspended' }, operator, { 'if-match': '"7"' });
    assert.equal(stale.status, 412);
    const pinned = await setStatus(terminal.id, { status: 'suspended' }, operator, { 'if-match': '"1"' });
    assert.equal(pinned.status, 200);
    assert.equal(pinned.headers.get('etag'), '"2"');
  });

  it("a terminal's own key cannot change its status", async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-SELF-STATUS');
    const response = await setStatus(terminal.id, { status: 'active' }, apiKey);
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'operator_credential_required');
  });

  describe('rotation', () => {
    const rotate = (id: string, key: string, headers: Record<string, string> = {}): Promise<ApiResponse> =>
      api.request('POST', `/v1/terminals/${id}/credentials/rotate`, { key, headers });

    it('issues a new key, shown once, and the old one stops at once', async () => {
      const { terminal, apiKey: oldKey } = await registerTerminal(api, operator, 'SN-ROTATE');
      const rotated = await rotate(terminal.id, operator);
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      const newKey = rotated.body.credential.apiKey;
      assert.notEqual(newKey, oldKey);
      assert.equal(rotated.body.terminal.credentialId, rotated.body.credential.id);
      assert.notEqual(rotated.body.credential.id, terminal.credentialId);
      assert.equal((await self(terminal.id, oldKey)).status, 401);
      assert.equal((await self(terminal.id, newKey)).status, 200);
      assert.deepEqual(await streamTypes(`terminal-${terminal.id}`), [
        'TerminalRegistered',
        'TerminalCredentialRotated',
      ]);
      assert.deepEqual(await streamTypes(`api_key-${terminal.credentialId}`), [
        'ApiKeyIssued',
        'ApiKeyRevoked',
      ]);
    });

    it('a retry with the same Idempotency-Key replays the answer and its key', async () => {
      const { terminal } = await registerTerminal(api, operator, 'SN-ROTATE-RETRY');
      const first = await rotate(terminal.id, operator, { 'idempotency-key': 'rotate-1' });
      assert.equal(first.status, 200);
      const replay = await rotate(terminal.id, operator, { 'idempotency-key': 'rotate-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
      assert.equal((await self(terminal.id, first.body.credential.apiKey)).status, 200);
    });

    it("the terminal's own key cannot rotate it (a lost answer would lock the terminal out)", async () => {
      const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ROTATE-SELF');
      const response = await rotate(terminal.id, apiKey);
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'operator_credential_required');
      assert.equal((await self(terminal.id, apiKey)).status, 200);
    });
  });
});
