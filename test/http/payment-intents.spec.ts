import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

describe('HTTP: payment intents', () => {
  let api: TestGateway;
  let key: string;

  before(async () => {
    api = await startTestGateway();
    key = await api.issueKey();
  });
  after(() => api.close());

  const create = async (amount = 10_000) => {
    const response = await api.request('POST', '/v1/payment-intents', { key, body: createBody(amount) });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.id as string;
  };
  const authorized = async (amount = 10_000) => {
    const id = await create(amount);
    const response = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
      key,
      body: authorizeBody(amount),
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return id;
  };

  it('creates, authorizes, captures part and releases the rest, and reads it back', async () => {
    const created = await api.request('POST', '/v1/payment-intents', {
      key,
      body: createBody(15_000, { metadata: { station: 'IST-001' } }),
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^pi_/);
    assert.equal(created.headers.get('location'), `/v1/payment-intents/${created.body.id}`);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.deepEqual(
      {
        status: created.body.status,
        amount: created.body.amount,
        currency: created.body.currency,
        merchantId: created.body.merchantId,
        terminalId: created.body.terminalId,
        metadata: created.body.metadata,
      },
      {
        status: 'requires_authorization',
        amount: 15_000,
        currency: 'TRY',
        merchantId: 'mer_test',
        terminalId: 'trm_1',
        metadata: { station: 'IST-001' },
      },
    );
    const id = created.body.id;

    const auth = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
      key,
      body: authorizeBody(15_000),
    });
    assert.equal(auth.status, 200);
    assert.equal(auth.body.status, 'authorized');
    assert.equal(auth.body.amountAuthorized, 15_000);
    assert.deepEqual(auth.body.paymentMethod, {
      type: 'card_present',
      cardPresent: authorizeBody().cardPresent,
    });
    assert.ok(auth.body.expiresAt > auth.body.authorizedAt);

    const capture = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
      key,
      body: { amount: 9_050 },
    });
    assert.equal(capture.status, 200);
    assert.deepEqual(
      [capture.body.status, capture.body.amountCaptured, capture.body.amountReleased, capture.body.version],
      ['captured', 9_050, 5_950, 3],
    );

    const read = await api.request('GET', `/v1/payment-intents/${id}`, { key });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, capture.body);
    assert.equal(read.headers.get('etag'), '"3"');
    assert.match(read.headers.get('x-request-id') ?? '', /^req_/);
  });

  it('captures everything authorized when no amount is given', async () => {
    const id = await authorized(7_500);
    const capture = await api.request('POST', `/v1/payment-intents/${id}/capture`, { key });
    assert.equal(capture.status, 200);
    assert.deepEqual([capture.body.amountCaptured, capture.body.amountReleased], [7_500, 0]);
  });

  it('records a declined authorization and accepts a second attempt', async () => {
    const id = await create();
    const declined = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
      key,
      body: { ...authorizeBody(), decline: { code: '51', message: 'insufficient funds' } },
    });
    assert.equal(declined.status, 200);
    assert.equal(declined.body.status, 'authorization_failed');
    assert.deepEqual(declined.body.lastAuthorizationError, {
      declineCode: '51',
      message: 'insufficient funds',
    });
    const retried = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
      key,
      body: authorizeBody(),
    });
    assert.equal(retried.body.status, 'authorized');
    assert.equal(retried.body.lastAuthorizationError, null);
  });

  it('voids an authorization, releasing all of it', async () => {
    const id = await authorized(4_000);
    const voided = await api.request('POST', `/v1/payment-intents/${id}/void`, {
      key,
      body: { reason: 'driver_left' },
    });
    assert.equal(voided.status, 200);
    assert.deepEqual(
      [voided.body.status, voided.body.amountReleased, voided.body.cancellationReason],
      ['voided', 4_000, 'driver_left'],
    );
  });

  describe('refusals in the domain answer 409 with the envelope', () => {
    it('capture above the authorized amount', async () => {
      const id = await authorized(5_000);
      const response = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        body: { amount: 5_001 },
      });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'amount_exceeds_authorized');
      assert.equal(response.body.error.type, 'conflict_error');
    });

    it('capture after void', async () => {
      const id = await authorized();
      await api.request('POST', `/v1/payment-intents/${id}/void`, { key });
      const response = await api.request('POST', `/v1/payment-intents/${id}/capture`, { key });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'payment_intent_unexpected_state');
    });

    it('void after capture', async () => {
      const id = await authorized();
      await api.request('POST', `/v1/payment-intents/${id}/capture`, { key });
      const response = await api.request('POST', `/v1/payment-intents/${id}/void`, { key });
      assert.equal(response.status, 409);
    });

    it('a second capture', async () => {
      const id = await authorized();
      assert.equal(
        (await api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 100 } }))
          .status,
        200,
      );
      const again = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        body: { amount: 100 },
      });
      assert.equal(again.status, 409);
    });
  });

  describe('optimistic concurrency with If-Match', () => {
    it('applies the command when the version matches', async () => {
      const id = await authorized();
      const response = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        headers: { 'if-match': '"2"' },
      });
      assert.equal(response.status, 200);
    });

    it('answers 412 when the resource moved on', async () => {
      const id = await authorized();
      const response = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        headers: { 'if-match': 'W/"1"' },
      });
      assert.equal(response.status, 412);
      assert.equal(response.body.error.code, 'version_mismatch');
    });
  });

  it('shows every command in a GET that follows it (read-your-writes)', async () => {
    for (let round = 0; round < 25; round++) {
      const id = await create(1_000 + round);
      assert.equal(
        (await api.request('GET', `/v1/payment-intents/${id}`, { key })).body.status,
        'requires_authorization',
      );
      await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
        key,
        body: authorizeBody(1_000 + round),
      });
      assert.equal(
        (await api.request('GET', `/v1/payment-intents/${id}`, { key })).body.status,
        'authorized',
      );
      await api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 500 } });
      const read = await api.request('GET', `/v1/payment-intents/${id}`, { key });
      assert.deepEqual([read.body.status, read.body.amountCaptured, read.body.version], ['captured', 500, 3]);
    }
  });

  it('answers 404 for an unknown intent', async () => {
    const response = await api.request('GET', '/v1/payment-intents/pi_01ARZ3NDEKTSV4RRFFQ69G5FAV', { key });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'payment_intent_not_found');
  });
});
