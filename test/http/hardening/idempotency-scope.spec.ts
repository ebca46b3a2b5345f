import assert from 'node:assert/strict';
import { replayScopeOf, type Principal } from '../../../src/http/auth/principal';
import { startTestGateway, type TestGateway } from '../../support/test-gateway';
import { registerBody } from '../terminals.fixtures';

const SCOPES = ['payments:read', 'payments:write', 'terminals:read', 'terminals:write', 'webhooks:write'];
const PUBLIC_URL = 'https://93.184.215.14/hooks';

describe('HTTP hardening: Idempotency-Key answers never cross tenants', () => {
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway();
  });
  after(() => api.close());

  // signDevelopmentToken gives every test token the same `sub`.
  const tokenFor = (merchantId: string, terminalId?: string) =>
    api.token({ merchantId, ...(terminalId ? { terminalId } : {}), scopes: SCOPES });
  const post = async (token: string, path: string, body: unknown, key: string) =>
    api.request('POST', path, {
      body,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
    });

  it('a token for another merchant with the same sub, key and body gets its own terminal key', async () => {
    const first = await post(
      await tokenFor('mer_a'),
      '/v1/terminals',
      registerBody('SN-SCOPE-1'),
      'k-terminal',
    );
    const second = await post(
      await tokenFor('mer_b'),
      '/v1/terminals',
      registerBody('SN-SCOPE-1'),
      'k-terminal',
    );
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.headers.get('idempotent-replayed'), null);
    assert.notEqual(second.body.credential.apiKey, first.body.credential.apiKey);
    assert.equal(second.body.terminal.merchantId, 'mer_b');
  });

  it('a token for another merchant never sees a webhook secret', async () => {
    const body = { url: PUBLIC_URL, eventTypes: ['payment_intent.*'] };
    const first = await post(await tokenFor('mer_a'), '/api/v1/webhooks', body, 'k-webhook');
    const second = await post(await tokenFor('mer_b'), '/api/v1/webhooks', body, 'k-webhook');
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.headers.get('idempotent-replayed'), null);
    assert.notEqual(second.body.secret, first.body.secret);
    assert.notEqual(second.body.id, first.body.id);
  });

  it('tokens for two terminals of one merchant with the same sub keep their own answers', async () => {
    const body = { amount: 1_000, paymentMethodType: 'card_present' };
    const first = await post(await tokenFor('mer_a', 'trm_one'), '/v1/payment-intents', body, 'k-pi');
    const second = await post(await tokenFor('mer_a', 'trm_two'), '/v1/payment-intents', body, 'k-pi');
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.headers.get('idempotent-replayed'), null);
    assert.notEqual(second.body.id, first.body.id);
    assert.equal(second.body.terminalId, 'trm_two');
    const again = await post(await tokenFor('mer_a', 'trm_two'), '/v1/payment-intents', body, 'k-pi');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, second.body.id);
  });

  it('the replay scope names credential kind and id, merchant and terminal', () => {
    const base: Principal = { credentialId: 'jwt:ops', kind: 'jwt', merchantId: 'mer_a', scopes: new Set() };
    const variants: Principal[] = [
      base,
      { ...base, merchantId: 'mer_b' },
      { ...base, terminalId: 'trm_1' },
      { ...base, terminalId: 'trm_2' },
      { ...base, credentialId: 'jwt:other' },
      { ...base, kind: 'api_key' },
    ];
    assert.equal(new Set(variants.map(replayScopeOf)).size, variants.length);
  });
});
