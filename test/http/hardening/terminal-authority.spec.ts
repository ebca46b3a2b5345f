import assert from 'node:assert/strict';
import { startTestGateway, type ApiResponse, type TestGateway } from '../../support/test-gateway';
import { createBody } from '../payment-intents.fixtures';
import { OPERATOR_SCOPES, registerTerminal } from '../terminals.fixtures';

const TERMINAL_SCOPES = ['payments:read', 'payments:write'];

describe('HTTP hardening: terminal credentials of both kinds follow the terminal', () => {
  let api: TestGateway;
  let operator: string;
  before(async () => {
    api = await startTestGateway();
    operator = await api.issueKey({ scopes: OPERATOR_SCOPES });
  });
  after(() => api.close());

  const pay = (
    credential: { key?: string; token?: string },
    body: unknown = { amount: 1_000, paymentMethodType: 'card_present' },
  ) =>
    api.request('POST', '/v1/payment-intents', {
      body,
      ...(credential.key ? { key: credential.key } : {}),
      ...(credential.token ? { headers: { authorization: `Bearer ${credential.token}` } } : {}),
    });
  const setStatus = (id: string, status: string) =>
    api.request('PUT', `/v1/terminals/${id}/status`, { key: operator, body: { status, reason: 'test' } });
  const refusal = (response: ApiResponse) => [response.status, response.body?.error?.code];

  for (const status of ['suspended', 'decommissioned']) {
    it(`a ${status} terminal: its API key and a JWT naming it get the same refusal`, async () => {
      const { terminal, apiKey } = await registerTerminal(api, operator, `SN-JWT-${status}`);
      const token = await api.token({
        merchantId: 'mer_test',
        terminalId: terminal.id,
        scopes: TERMINAL_SCOPES,
      });
      assert.equal((await pay({ token })).status, 201);
      assert.equal((await setStatus(terminal.id, status)).status, 200);
      const before = (await api.allEvents()).length;
      const byKey = await pay({ key: apiKey });
      const byToken = await pay({ token });
      assert.deepEqual(refusal(byToken), [401, 'terminal_not_in_service']);
      assert.deepEqual(refusal(byKey), refusal(byToken));
      assert.equal((await api.allEvents()).length, before, 'an event was appended');
    });
  }

  it("a JWT naming another merchant's terminal is refused", async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-JWT-FOREIGN');
    const token = await api.token({
      merchantId: 'mer_other',
      terminalId: terminal.id,
      scopes: TERMINAL_SCOPES,
    });
    assert.deepEqual(refusal(await pay({ token })), [401, 'terminal_not_in_service']);
  });

  it("a merchant cannot create an intent naming another merchant's terminal", async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-FOREIGN-BODY');
    const other = await api.issueKey({ merchantId: 'mer_other', scopes: TERMINAL_SCOPES });
    const before = (await api.allEvents()).length;
    const response = await pay({ key: other }, createBody(1_000, { terminalId: terminal.id }));
    assert.deepEqual(refusal(response), [404, 'terminal_not_found']);
    assert.equal((await api.allEvents()).length, before, 'an event was appended');
    const own = await pay({ key: operator }, createBody(1_000, { terminalId: terminal.id }));
    assert.equal(own.status, 201, JSON.stringify(own.body));
  });
});

describe('HTTP hardening: failed authentications are throttled per client address', () => {
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
  });
  after(() => api.close());

  it('after the allowance, failures and then every attempt from the address are 429 with Retry-After', async () => {
    const good = await api.issueKey();
    const wrong = () =>
      api.request('GET', '/v1/payment-intents/pi_01J00000000000000000000000', { key: 'epk_test_wrong' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await wrong()).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const blocked = await api.request('GET', '/v1/payment-intents/pi_01J00000000000000000000000', {
      key: good,
    });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'too_many_failed_authentications');
    assert.match(blocked.headers.get('retry-after') ?? '', /^\d+$/);
  });
});
