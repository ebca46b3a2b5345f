import assert from 'node:assert/strict';
import { startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { authorizeBody, cardPresent, createBody } from './payment-intents.fixtures';

const assertEnvelope = (response: ApiResponse, status: number, code?: string) => {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(typeof response.body?.error?.message, 'string');
  assert.equal(typeof response.body.error.type, 'string');
  assert.match(response.body.error.requestId, /\S/);
  assert.equal(response.body.error.stack, undefined);
  if (code) assert.equal(response.body.error.code, code);
};

describe('HTTP: bad input is refused with 4xx, the envelope, and nothing appended', () => {
  let api: TestGateway;
  let key: string;
  let authorizedId: string;

  before(async () => {
    api = await startTestGateway({ env: { EDENRED_SIMULATOR: 'false' } });
    key = await api.issueKey();
    const created = await api.request('POST', '/v1/payment-intents', { key, body: createBody(10_000) });
    authorizedId = created.body.id;
    await api.request('POST', `/v1/payment-intents/${authorizedId}/authorize`, {
      key,
      body: authorizeBody(10_000),
    });
  });
  after(() => api.close());

  const refusedWithoutEffect = async (
    send: () => Promise<ApiResponse>,
    status: number,
    code?: string,
  ): Promise<ApiResponse> => {
    const before = (await api.allEvents()).length;
    const response = await send();
    assertEnvelope(response, status, code);
    assert.equal((await api.allEvents()).length, before, 'an event was appended');
    return response;
  };
  const create = (body: unknown, extra: { key?: string; headers?: Record<string, string> } = {}) =>
    api.request('POST', '/v1/payment-intents', { key, body, ...extra });

  const invalidCreates: [string, unknown, string?][] = [
    ['a negative amount', createBody(-100), 'amount'],
    ['a zero amount', createBody(0), 'amount'],
    ['a fractional amount', createBody(10.5), 'amount'],
    ['an amount as a string', { ...createBody(), amount: '100' }, 'amount'],
    ['an absurd amount', createBody(1e15), 'amount'],
    ['an unknown field', { ...createBody(), merchantId: 'mer_other' }],
    ['a missing amount', { paymentMethodType: 'card_present' }],
    ['an unknown payment method', { ...createBody(), paymentMethodType: 'cash' }],
    ['an unsupported currency', { ...createBody(), currency: 'GBP' }],
    ['metadata that is not strings', { ...createBody(), metadata: { a: 1 } }],
    ['a body that is an array', [createBody()]],
  ];
  for (const [name, body, param] of invalidCreates) {
    it(`create with ${name}: 400`, async () => {
      const response = await refusedWithoutEffect(() => create(body), 400, 'validation_failed');
      if (param) assert.equal(response.body.error.param, param);
    });
  }

  it('a JSON null body: 400', () =>
    refusedWithoutEffect(() => api.request('POST', '/v1/payment-intents', { key, rawBody: 'null' }), 400));

  it('malformed JSON: 400 invalid_json', () =>
    refusedWithoutEffect(
      () => api.request('POST', '/v1/payment-intents', { key, rawBody: '{"amount": 1' }),
      400,
      'invalid_json',
    ));

  it('an oversized body: 413', () =>
    refusedWithoutEffect(
      () => create({ ...createBody(), metadata: { big: 'x'.repeat(100_000) } }),
      413,
      'payload_too_large',
    ));

  it('a body that is not JSON: 415', () =>
    refusedWithoutEffect(
      () =>
        api.request('POST', '/v1/payment-intents', {
          key,
          rawBody: 'amount=1',
          headers: { 'content-type': 'text/plain' },
        }),
      415,
    ));

  it('a full card number anywhere: 400 card_data_refused', () =>
    refusedWithoutEffect(
      () => create({ ...createBody(), metadata: { note: 'card 4111 1111 1111 1111' } }),
      400,
      'card_data_refused',
    ));

  it('a full card number in the query string: 400 card_data_refused, and none without one', async () => {
    assertEnvelope(
      await api.request('GET', '/v1/payment-intents?terminalId=4111111111111111', { key }),
      400,
      'card_data_refused',
    );
    assert.equal((await api.request('GET', '/v1/payment-intents?terminalId=trm_1', { key })).status, 200);
  });

  it('a full card number in place of last4: 400', () =>
    refusedWithoutEffect(
      () =>
        api.request('POST', `/v1/payment-intents/${authorizedId}/authorize`, {
          key,
          body: { amount: 100, cardPresent: { ...cardPresent, last4: '4111111111111111' } },
        }),
      400,
    ));

  it('authorize without card details: 400', () =>
    refusedWithoutEffect(
      () =>
        api.request('POST', `/v1/payment-intents/${authorizedId}/authorize`, { key, body: { amount: 100 } }),
      400,
    ));

  it('a malformed intent id: 400', () =>
    refusedWithoutEffect(() => api.request('POST', '/v1/payment-intents/not-an-id/capture', { key }), 400));

  it('a capture with a negative amount: 400', () =>
    refusedWithoutEffect(
      () => api.request('POST', `/v1/payment-intents/${authorizedId}/capture`, { key, body: { amount: -1 } }),
      400,
    ));

  it('an unknown route: 404', () =>
    refusedWithoutEffect(() => api.request('GET', '/v1/nothing-here', { key }), 404));

  describe('credentials', () => {
    it('none: 401', () =>
      refusedWithoutEffect(() => create(createBody(), { key: '' }), 401, 'missing_credentials'));

    it('a malformed API key: 401', () =>
      refusedWithoutEffect(() => create(createBody(), { key: 'epk_test_nope' }), 401, 'invalid_api_key'));

    it('a well-formed but unknown API key: 401', () =>
      refusedWithoutEffect(
        () => create(createBody(), { key: `epk_test_abcdefghijkl_${'A'.repeat(43)}` }),
        401,
        'invalid_api_key',
      ));

    it('a JWT with the wrong audience: 401', async () => {
      const token = await api.token({ audience: 'someone-else' });
      await refusedWithoutEffect(
        () => create(createBody(), { key: '', headers: { authorization: `Bearer ${token}` } }),
        401,
      );
    });

    it('a valid JWT is accepted', async () => {
      const token = await api.token();
      const response = await api.request('POST', '/v1/payment-intents', {
        body: createBody(),
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 201);
      assert.equal(response.body.merchantId, 'mer_test');
    });

    it('a credential without the write scope: 403', async () => {
      const readOnly = await api.issueKey({ scopes: ['payments:read'] });
      await refusedWithoutEffect(() => create(createBody(), { key: readOnly }), 403, 'insufficient_scope');
    });

    it('a credential without the read scope cannot read: 403', async () => {
      const writeOnly = await api.issueKey({ scopes: ['payments:write'] });
      const response = await api.request('GET', `/v1/payment-intents/${authorizedId}`, { key: writeOnly });
      assertEnvelope(response, 403, 'insufficient_scope');
    });
  });

  describe('another merchant or terminal', () => {
    it("another merchant's intent is not found, for reads and commands", async () => {
      const other = await api.issueKey({ merchantId: 'mer_other' });
      assertEnvelope(await api.request('GET', `/v1/payment-intents/${authorizedId}`, { key: other }), 404);
      await refusedWithoutEffect(
        () => api.request('POST', `/v1/payment-intents/${authorizedId}/capture`, { key: other }),
        404,
        'payment_intent_not_found',
      );
      await refusedWithoutEffect(
        () => api.request('POST', `/v1/payment-intents/${authorizedId}/void`, { key: other }),
        404,
      );
    });

    it("a terminal's key reaches only its own terminal's intents", async () => {
      const otherTerminal = await api.issueKey({ terminalId: 'trm_2' });
      assertEnvelope(
        await api.request('GET', `/v1/payment-intents/${authorizedId}`, { key: otherTerminal }),
        404,
      );
      await refusedWithoutEffect(
        () => create(createBody(100, { terminalId: 'trm_1' }), { key: otherTerminal }),
        403,
        'terminal_mismatch',
      );
      const own = await create({ amount: 100, paymentMethodType: 'card_present' }, { key: otherTerminal });
      assert.equal(own.status, 201);
      assert.equal(own.body.terminalId, 'trm_2');
    });
  });

  it('Edenred is refused when the gateway has no Edenred client (simulator off): 400', () =>
    refusedWithoutEffect(
      () => create({ ...createBody(), paymentMethodType: 'edenred' }),
      400,
      'payment_method_unavailable',
    ));
});

describe('HTTP: rate limiting', () => {
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  after(() => api.close());

  it('answers 429 with Retry-After once a credential exhausts its budget', async () => {
    const key = await api.issueKey();
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 5; i++) {
      last = await api.request('GET', '/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV', { key });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
    assert.ok(Number(last?.headers.get('retry-after')) >= 1);
    assert.equal(last?.body.error.code, 'rate_limited');
  });
});
