import assert from 'node:assert/strict';
import { startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { WEBHOOK_SCOPES } from './webhooks.fixtures';

/** A literal public address: accepted without DNS (the tests have no network), never contacted here. */
const PUBLIC_URL = 'https://93.184.215.14/hooks';
/** No payment happens in this spec, so nothing is ever sent to PUBLIC_URL. */
const ANY_PAYMENT = ['payment_intent.*'];

describe('HTTP: webhook subscriptions', () => {
  let api: TestGateway;
  let key: string;

  before(async () => {
    // Private addresses are refused: WEBHOOK_ALLOW_PRIVATE_URLS is off, as by default.
    api = await startTestGateway();
    key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
  });
  after(() => api.close());

  const create = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
    api.request('POST', '/api/v1/webhooks', { key, body, ...options });

  const refusedWithoutEffect = async (send: () => Promise<ApiResponse>, status: number, code?: string) => {
    const commands = async () =>
      (await api.allEvents()).filter((event) => !event.streamName.startsWith('webhook_delivery-')).length;
    const before = await commands();
    const response = await send();
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(typeof response.body.error.message, 'string');
    if (code) assert.equal(response.body.error.code, code);
    assert.equal(await commands(), before, 'an event was appended');
    return response;
  };

  it('creates a subscription, shows its secret once, and never again', async () => {
    const created = await create({
      url: PUBLIC_URL,
      eventTypes: ['payment_intent.*', 'webhook_subscription.disabled'],
      description: 'ERP',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, secret } = created.body;
    assert.match(id, /^wh_[0-9A-Z]{26}$/);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.headers.get('location'), `/api/v1/webhooks/${id}`);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.deepEqual(
      [
        created.body.object,
        created.body.status,
        created.body.url,
        created.body.description,
        created.body.version,
      ],
      ['webhook_subscription', 'active', PUBLIC_URL, 'ERP', 1],
    );

    const read = await api.request('GET', `/api/v1/webhooks/${id}`, { key });
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined);
    const { secret: _shown, ...rest } = created.body;
    assert.deepEqual(read.body, rest);

    // The event stream holds the secret only encrypted.
    const events = JSON.stringify(await api.allEvents(), (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    assert.ok(!events.includes(secret) && !events.includes(secret.slice('whsec_'.length)));
    assert.match(events, /"alg":"A256GCM"/);
  });

  it('a retried create (same Idempotency-Key) names the same subscription and shows the same secret', async () => {
    const headers = { 'idempotency-key': 'wh-create-1' };
    const first = await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT }, { headers });
    const second = await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT }, { headers });
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual([second.body.id, second.body.secret], [first.body.id, first.body.secret]);
  });

  it('updates, pauses and resumes, honours If-Match, and deactivates keeping the history', async () => {
    const { id } = (await create({ url: PUBLIC_URL, eventTypes: ['payment_intent.created'] })).body;
    const updated = await api.request('PUT', `/api/v1/webhooks/${id}`, {
      key,
      headers: { 'if-match': '"1"' },
      body: { eventTypes: ['payment_intent.captured', 'payment_intent.voided'], description: null },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.deepEqual(updated.body.eventTypes, ['payment_intent.captured', 'payment_intent.voided']);
    assert.equal(updated.body.version, 2);

    const stale = await api.request('PUT', `/api/v1/webhooks/${id}`, {
      key,
      headers: { 'if-match': '"1"' },
      body: { url: 'https://93.184.215.15/other' },
    });
    assert.equal(stale.status, 412);

    const paused = await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'disabled' } });
    assert.deepEqual([paused.body.status, paused.body.disabledReason], ['disabled', 'manual']);
    const resumed = await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'active' } });
    assert.deepEqual([resumed.body.status, resumed.body.disabledReason], ['active', null]);

    const deleted = await api.request('DELETE', `/api/v1/webhooks/${id}`, { key });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.status, 'deactivated');
    const read = await api.request('GET', `/api/v1/webhooks/${id}`, { key });
    assert.equal(read.body.status, 'deactivated');
    const changed = await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'active' } });
    assert.equal(changed.status, 409);
    assert.equal(changed.body.error.code, 'webhook_subscription_deactivated');
    const test = await api.request('POST', `/api/v1/webhooks/${id}/test`, { key });
    assert.equal(test.status, 409);
    const deliveries = await api.request('GET', `/api/v1/webhooks/${id}/deliveries`, { key });
    assert.equal(deliveries.status, 200);
  });

  it('refuses a replay or a test while the subscription is paused', async () => {
    const { id } = (await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT })).body;
    await api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { status: 'disabled' } });
    const replay = await refusedWithoutEffect(
      () =>
        api.request('POST', `/api/v1/webhooks/${id}/replay`, {
          key,
          body: { since: '2026-01-01T00:00:00Z' },
        }),
      409,
      'webhook_subscription_not_active',
    );
    assert.equal(replay.body.error.type, 'conflict_error');
    await refusedWithoutEffect(() => api.request('POST', `/api/v1/webhooks/${id}/test`, { key }), 409);
  });

  it('lists subscriptions newest first, a page at a time', async () => {
    const other = await api.issueKey({ merchantId: 'mer_lists', scopes: WEBHOOK_SCOPES });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const created = await api.request('POST', '/api/v1/webhooks', {
        key: other,
        body: { url: PUBLIC_URL, eventTypes: ANY_PAYMENT },
      });
      ids.push(created.body.id);
    }
    const first = await api.request('GET', '/api/v1/webhooks?limit=2', { key: other });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.hasMore, true);
    const second = await api.request('GET', `/api/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`, {
      key: other,
    });
    assert.equal(second.body.hasMore, false);
    assert.equal(second.body.nextCursor, null);
    assert.deepEqual(
      [...first.body.data, ...second.body.data].map((subscription: any) => subscription.id),
      [...ids].reverse(),
    );
  });

  it("another merchant's subscription is not found, and scopes are enforced", async () => {
    const { id } = (await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT })).body;
    const stranger = await api.issueKey({ merchantId: 'mer_other', scopes: WEBHOOK_SCOPES });
    for (const [method, path] of [
      ['GET', `/api/v1/webhooks/${id}`],
      ['GET', `/api/v1/webhooks/${id}/deliveries`],
      ['DELETE', `/api/v1/webhooks/${id}`],
      ['POST', `/api/v1/webhooks/${id}/test`],
    ] as const) {
      const response = await api.request(method, path, { key: stranger });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const paymentsOnly = await api.issueKey({ scopes: ['payments:read', 'payments:write'] });
    assert.equal((await api.request('GET', '/api/v1/webhooks', { key: paymentsOnly })).status, 403);
    const readOnly = await api.issueKey({ scopes: ['webhooks:read'] });
    assert.equal((await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT }, { key: readOnly })).status, 403);
    const terminal = await api.issueKey({ terminalId: 'trm_1', scopes: WEBHOOK_SCOPES });
    assert.equal((await api.request('GET', '/api/v1/webhooks', { key: terminal })).status, 403);
  });

  describe('refuses URLs that reach inside, with 400 and nothing appended', () => {
    const refused: [string, string][] = [
      ['loopback', 'http://127.0.0.1:8080/hooks'],
      ['loopback, another address of it', 'https://127.1.2.3/hooks'],
      ['a private 10.x address', 'https://10.0.0.5/hooks'],
      ['a private 192.168 address', 'https://192.168.1.10/hooks'],
      ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/'],
      ['IPv6 loopback', 'https://[::1]/hooks'],
      ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hooks'],
      ['a name resolving to loopback', 'http://localhost:3000/hooks'],
      ['another name resolving to loopback', `https://vm/hooks`],
    ];
    for (const [name, url] of refused) {
      it(name, () =>
        refusedWithoutEffect(() => create({ url, eventTypes: ANY_PAYMENT }), 400, 'webhook_url_refused'),
      );
    }

    it('also when the URL changes later', async () => {
      const { id } = (await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT })).body;
      await refusedWithoutEffect(
        () => api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: { url: 'https://10.1.1.1/x' } }),
        400,
        'webhook_url_refused',
      );
    });
  });

  describe('refuses bad bodies with 400 and nothing appended', () => {
    const bad: [string, unknown, string?][] = [
      ['no url', { eventTypes: ANY_PAYMENT }],
      ['no event types', { url: PUBLIC_URL }],
      ['an empty list of event types', { url: PUBLIC_URL, eventTypes: [] }],
      [
        'an unknown event type',
        { url: PUBLIC_URL, eventTypes: ['payment_intent.refunded'] },
        'unknown_event_type',
      ],
      ['an unknown resource wildcard', { url: PUBLIC_URL, eventTypes: ['refund.*'] }, 'unknown_event_type'],
      ['a malformed event type', { url: PUBLIC_URL, eventTypes: ['Payment Intent'] }],
      ['an unknown field', { url: PUBLIC_URL, eventTypes: ANY_PAYMENT, secret: 'whsec_mine' }],
      ['a url that is not one', { url: 'not a url', eventTypes: ANY_PAYMENT }],
      [
        'a url of another scheme',
        { url: 'ftp://93.184.215.14/hooks', eventTypes: ANY_PAYMENT },
        'webhook_url_invalid',
      ],
      [
        'a url with credentials',
        { url: 'https://user:pass@93.184.215.14/hooks', eventTypes: ANY_PAYMENT },
        'webhook_url_invalid',
      ],
      ['a body that is an array', [{ url: PUBLIC_URL, eventTypes: ANY_PAYMENT }]],
    ];
    for (const [name, body, code] of bad) {
      it(name, () => refusedWithoutEffect(() => create(body), 400, code));
    }

    it('a replay naming neither a delivery nor a time', async () => {
      const { id } = (await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT })).body;
      await refusedWithoutEffect(
        () => api.request('POST', `/api/v1/webhooks/${id}/replay`, { key, body: { status: 'failed' } }),
        400,
        'invalid_replay',
      );
    });

    it('an empty update', async () => {
      const { id } = (await create({ url: PUBLIC_URL, eventTypes: ANY_PAYMENT })).body;
      await refusedWithoutEffect(() => api.request('PUT', `/api/v1/webhooks/${id}`, { key, body: {} }), 400);
    });

    it('a malformed id', () =>
      refusedWithoutEffect(() => api.request('GET', '/api/v1/webhooks/not-an-id', { key }), 400));
  });
});
