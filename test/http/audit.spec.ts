import assert from 'node:assert/strict';
import { createCheckpoint } from '../../src/audit/audit-checkpoints';
import { loadAuditSigningKey } from '../../src/audit/signing-key';
import { systemClock } from '../../src/infrastructure/clock';
import { auditKeyPem } from '../audit/audit-history.fixtures';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

const AUDITOR_SCOPES = ['payments:read', 'payments:write', 'audit:read'];

describe('HTTP: the read-only audit API', () => {
  let api: TestGateway;
  let key: string;
  let otherMerchant: string;
  let intentId: string;
  let stream: string;
  const requestId = 'req_audit_create_1';

  before(async () => {
    api = await startTestGateway({ env: { AUDIT_SIGNING_KEY: auditKeyPem } });
    key = await api.issueKey({ merchantId: 'mer_audited', scopes: AUDITOR_SCOPES });
    otherMerchant = await api.issueKey({ merchantId: 'mer_other', scopes: AUDITOR_SCOPES });
    const created = await api.request('POST', '/v1/payment-intents', {
      key,
      body: createBody(12_000),
      headers: { 'x-request-id': requestId, 'idempotency-key': 'audit-create-1' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    intentId = created.body.id;
    stream = `payment_intent-${intentId}`;
    const authorized = await api.request('POST', `/v1/payment-intents/${intentId}/authorize`, {
      key,
      body: authorizeBody(12_000),
    });
    assert.equal(authorized.status, 200);
  });
  after(() => api.close());

  it("pages a merchant's stream with its chain, actor, correlation and causation ids", async () => {
    const first = await api.request('GET', `/v1/audit/streams/${stream}/events?limit=1`, { key });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const [created] = first.body.data;
    assert.deepEqual(
      [created.type, created.revision, created.correlationId, created.idempotencyKey, created.actor.kind],
      ['PaymentIntentCreated', 0, requestId, 'audit-create-1', 'api_key'],
    );
    assert.equal(created.causationId, null);
    assert.match(created.hash, /^[0-9a-f]{64}$/);
    assert.equal(first.body.hasMore, true);

    const second = await api.request(
      'GET',
      `/v1/audit/streams/${stream}/events?limit=1&cursor=${first.body.nextCursor}`,
      { key },
    );
    assert.deepEqual(
      [second.body.data[0].type, second.body.data[0].previousHash, second.body.hasMore],
      ['PaymentIntentAuthorized', created.hash, false],
    );
  });

  it("answers another merchant's stream as not found, and admin reads every stream", async () => {
    const foreign = await api.request('GET', `/v1/audit/streams/${stream}/events`, { key: otherMerchant });
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'stream_not_found']);
    const unknown = await api.request('GET', '/v1/audit/streams/payment_intent-pi_nothing/events', { key });
    assert.equal(unknown.status, 404);
    const admin = await api.token({ merchantId: 'mer_operator', scopes: ['admin'] });
    const asAdmin = await api.request('GET', `/v1/audit/streams/${stream}/events`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(asAdmin.status, 200);
    assert.equal(asAdmin.body.data.length, 2);
  });

  it('refuses a credential without audit:read, and a cursor it did not give', async () => {
    const payments = await api.issueKey({ merchantId: 'mer_audited', scopes: ['payments:read'] });
    const refused = await api.request('GET', `/v1/audit/streams/${stream}/events`, { key: payments });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'insufficient_scope']);
    const cursor = Buffer.from(JSON.stringify(['x'])).toString('base64url');
    const bad = await api.request('GET', `/v1/audit/streams/${stream}/events?cursor=${cursor}`, { key });
    assert.deepEqual([bad.status, bad.body?.error?.code], [400, 'invalid_cursor'], JSON.stringify(bad.body));
    const noStream = await api.request('GET', '/v1/audit/verify', { key });
    assert.equal(noStream.status, 400);
  });

  it('verifies a stream, and holds it against the latest checkpoint once one is signed', async () => {
    const none = await api.request('GET', '/v1/audit/checkpoints/latest', { key });
    assert.deepEqual([none.status, none.body.error.code], [404, 'checkpoint_not_found']);
    const before = await api.request('GET', `/v1/audit/verify?stream=${stream}`, { key });
    assert.deepEqual([before.status, before.body.ok, before.body.checkpoint], [200, true, null]);

    const signingKey = loadAuditSigningKey(auditKeyPem);
    await createCheckpoint({
      eventStore: api.gateway.infrastructure.eventStore,
      signingKey,
      clock: systemClock,
    });
    const verified = await api.request('GET', `/v1/audit/verify?stream=${stream}`, { key });
    assert.deepEqual(
      [verified.body.ok, verified.body.eventCount, verified.body.checkpoint.head, verified.body.breaks],
      [true, 2, verified.body.head, []],
    );

    const latest = await api.request('GET', '/v1/audit/checkpoints/latest', { key });
    assert.deepEqual([latest.status, latest.body.keyId, latest.body.heads], [200, signingKey.keyId, null]);
    const admin = await api.token({ scopes: ['admin'] });
    const full = await api.request('GET', '/v1/audit/checkpoints/latest', {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.ok(full.body.heads.some((head: { streamName: string }) => head.streamName === stream));
  });
});
