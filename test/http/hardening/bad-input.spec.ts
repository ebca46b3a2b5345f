import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startTestGateway, type ApiResponse, type TestGateway } from '../../support/test-gateway';
import { createBody } from '../payment-intents.fixtures';
import { OPERATOR_SCOPES } from '../terminals.fixtures';

const assertEnvelope = (response: ApiResponse, status: number, code?: string) => {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(typeof response.body?.error?.message, 'string', JSON.stringify(response.body));
  assert.match(response.body.error.requestId, /\S/);
  if (code) assert.equal(response.body.error.code, code, JSON.stringify(response.body));
};

/** Writes raw bytes to the gateway and reads the whole answer (the server closes after it). */
const rawExchange = (url: string, request: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(request);
  });

const parseRaw = (raw: string) => {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, head: head.toLowerCase(), body: JSON.parse(body) };
};

describe('HTTP hardening: no 500 and no partial write for malformed input', () => {
  let api: TestGateway;
  let key: string;
  let operatorKey: string;
  before(async () => {
    api = await startTestGateway();
    key = await api.issueKey({ scopes: ['admin'] });
    operatorKey = await api.issueKey({ scopes: OPERATOR_SCOPES });
  });
  after(() => api.close());

  const refusedWithoutEffect = async (send: () => Promise<ApiResponse>, status: number, code?: string) => {
    const before = (await api.allEvents()).length;
    const response = await send();
    assertEnvelope(response, status, code);
    assert.equal((await api.allEvents()).length, before, 'an event was appended');
    return response;
  };

  describe('a body that is not what its Content-Encoding claims', () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      it(`${encoding}: 400 invalid_content_encoding`, () =>
        refusedWithoutEffect(
          () =>
            api.request('POST', '/v1/payment-intents', {
              key,
              rawBody: '{"amount": 100}',
              headers: { 'content-encoding': encoding },
            }),
          400,
          'invalid_content_encoding',
        ));
    }
    it('an honest gzip body is read', async () => {
      const response = await fetch(`${api.url}/v1/payment-intents`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(createBody(1_500))),
      });
      assert.equal(response.status, 201);
    });
    it('an unknown encoding: 415', () =>
      refusedWithoutEffect(
        () =>
          api.request('POST', '/v1/payment-intents', {
            key,
            body: createBody(),
            headers: { 'content-encoding': 'zstd-or-so' },
          }),
        415,
      ));
  });

  describe('date-times the contract format allows but a Date cannot hold', () => {
    const impossible = [
      '2016-12-31T23:59:60Z',
      '2026-02-30T10:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-13-01T00:00:00Z',
    ];
    for (const value of impossible) {
      it(`lastSeenBefore=${value}: 400 naming it`, async () => {
        const response = await api.request('GET', `/v1/terminals?lastSeenBefore=${value}`, {
          key: operatorKey,
        });
        assertEnvelope(response, 400, 'validation_failed');
        assert.equal(response.body.error.param, 'lastSeenBefore');
      });
      it(`createdFrom=${value} on charges: 400 naming it`, async () => {
        const response = await api.request('GET', `/v1/adhoc-charges?createdFrom=${value}`, { key });
        assertEnvelope(response, 400, 'validation_failed');
        assert.equal(response.body.error.param, 'createdFrom');
      });
    }
    it('createdTo with a leap second: 400', async () => {
      const response = await api.request('GET', '/v1/adhoc-charges?createdTo=2016-12-31T23:59:60Z', { key });
      assertEnvelope(response, 400, 'validation_failed');
      assert.equal(response.body.error.param, 'createdTo');
    });
    it('measuredAt with a leap second on progress: 400 naming it, nothing appended', async () => {
      const response = await refusedWithoutEffect(
        () =>
          api.request('PUT', '/v1/adhoc-charges/ch_01J00000000000000000000000/progress', {
            key,
            body: { meterWh: 100, measuredAt: '2016-12-31T23:59:60Z' },
          }),
        400,
        'validation_failed',
      );
      assert.equal(response.body.error.param, 'measuredAt');
    });
    it('an offset date-time in a query is accepted', async () => {
      const response = await api.request(
        'GET',
        '/v1/terminals?lastSeenBefore=2026-11-27T06:21:25.902%2B03:00',
        {
          key: operatorKey,
        },
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });
  });

  describe('page sizes beyond the maximum', () => {
    const lists = ['/v1/terminals', '/v1/adhoc-charges', '/v1/tariffs', '/api/v1/webhooks'];
    for (const list of lists) {
      for (const limit of ['Infinity', '9'.repeat(400), '-Infinity', '1e400']) {
        it(`${list}?limit=${limit.slice(0, 12)}: 400 naming limit`, async () => {
          const response = await api.request('GET', `${list}?limit=${limit}`, { key });
          assertEnvelope(response, 400);
          assert.equal(response.body.error.param, 'limit');
        });
      }
    }
  });

  describe('nesting and bodies where none belongs', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    it('a 20,000-deep body on an operation without a body: 400, no crash', () =>
      refusedWithoutEffect(
        () =>
          api.request('POST', '/api/v1/webhooks/wh_01J00000000000000000000000/test', {
            key,
            rawBody: deep,
            headers: { 'idempotency-key': 'deep-1' },
          }),
        400,
        'body_too_deep',
      ));
    it('a deep body on an operation with a body: 400 body_too_deep', () =>
      refusedWithoutEffect(
        () =>
          api.request('POST', '/v1/payment-intents', {
            key,
            rawBody: `{"amount":1,"paymentMethodType":"card_present","metadata":{"a":${'['.repeat(40)}${']'.repeat(40)}}}`,
            headers: { 'idempotency-key': 'deep-2' },
          }),
        400,
        'body_too_deep',
      ));
    it('a body sent to an operation that declares none: 400 body_not_allowed', () =>
      refusedWithoutEffect(
        () =>
          api.request('POST', '/api/v1/webhooks/wh_01J00000000000000000000000/test', {
            key,
            body: { anything: true },
            headers: { 'idempotency-key': 'no-body-1' },
          }),
        400,
        'body_not_allowed',
      ));
  });

  describe('paths and headers', () => {
    it('a malformed %zz in a path: 400 without the validator internals', async () => {
      const response = await api.request('GET', '/v1/payment-intents/%zz', { key });
      assertEnvelope(response, 400, 'invalid_path');
      assert.doesNotMatch(JSON.stringify(response.body), /malformed uri|v1\.payment-intents/);
    });
    it('every answer carries no-store and nosniff; secrets never cacheable', async () => {
      const terminal = await api.request('POST', '/v1/terminals', {
        key: operatorKey,
        body: { serialNumber: 'SN-HDR-1', model: 'A920', stationId: 'IST-9', firmwareVersion: '1.0.0' },
      });
      const missing = await api.request('GET', '/v1/nothing-here', { key });
      const unauthenticated = await api.request('GET', '/v1/terminals');
      for (const response of [terminal, missing, unauthenticated]) {
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      }
    });
  });

  describe("errors from Node's HTTP parser answer in the envelope", () => {
    const cases: [string, string, number][] = [
      [
        'a control character in a header',
        'GET /v1/terminals HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n',
        400,
      ],
      [
        'a 20 KB header',
        `GET /v1/terminals HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
      ],
      [
        'bad framing',
        'POST /v1/payment-intents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        400,
      ],
    ];
    for (const [name, request, status] of cases) {
      it(`${name}: ${status} with the envelope`, async () => {
        const answer = parseRaw(await rawExchange(api.url, request));
        assert.equal(answer.status, status);
        assert.match(answer.head, /content-type: application\/json/);
        assert.match(answer.head, /cache-control: no-store/);
        assert.equal(typeof answer.body.error.code, 'string');
        assert.match(answer.body.error.requestId, /^req_/);
      });
    }
  });
});
