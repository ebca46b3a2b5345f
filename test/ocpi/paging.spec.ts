import assert from 'node:assert/strict';
import { createOcpiClient } from '../../src/ocpi/client/ocpi-client';
import { pullPages } from '../../src/ocpi/client/pull-pages';
import { OcpiError, OcpiPeerError } from '../../src/ocpi/transport/ocpi-errors';
import { nextLinkOf, pageOf, pagingFor, PAGE_SIGNATURE } from '../../src/ocpi/transport/paging';

const paging = pagingFor({ secret: Buffer.alloc(32, 7), maxLimit: 2 });
const PATH = '/ocpi/cpo/2.2.1/locations';
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams.entries());
const refusedWith2001 = (run: () => unknown) =>
  assert.throws(
    run,
    (error: unknown) => error instanceof OcpiError && error.httpStatus === 400 && error.statusCode === 2001,
  );

describe('OCPI paging', () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((id, index) => ({
    id,
    last_updated: new Date(Date.UTC(2026, 0, 1, index)).toISOString(),
  }));

  it('caps limit at X-Limit, links the next page with the filters, and gives X-Total-Count', () => {
    const page = paging.read(PATH, { limit: '100', date_from: '2026-01-01T01:00:00' });
    assert.equal(page.limit, 2);
    const { total, items: first } = pageOf(items, page);
    assert.deepEqual([total, first.map((item) => item.id)], [4, ['b', 'c']]);
    const headers = paging.headers('https://cpo.example', PATH, page, total);
    assert.equal(headers['X-Total-Count'], '4');
    assert.equal(headers['X-Limit'], '2');
    const next = nextLinkOf(headers.Link as string) as string;
    assert.equal(queryOf(next).offset, '2');
    assert.equal(queryOf(next).date_from, '2026-01-01T01:00:00.000Z');
    const second = paging.read(PATH, queryOf(next));
    assert.deepEqual(
      pageOf(items, second).items.map((item) => item.id),
      ['d', 'e'],
    );
    assert.equal(
      paging.headers('https://cpo.example', PATH, second, total).Link,
      undefined,
      'the last page has no Link',
    );
  });

  it('refuses a Link whose offset, limit or filters were changed (2001), and bad parameters', () => {
    const headers = paging.headers('https://cpo.example', PATH, { offset: 0, limit: 2 }, 5);
    const query = queryOf(nextLinkOf(headers.Link as string) as string);
    for (const tampered of [
      { ...query, offset: '0' },
      { ...query, limit: '1' },
      { ...query, date_to: '2026-01-01T00:00:00Z' },
      { ...query, [PAGE_SIGNATURE]: 'x' },
    ]) {
      refusedWith2001(() => paging.read(PATH, tampered));
    }
    refusedWith2001(() => paging.read('/ocpi/cpo/2.2.1/tariffs', query));
    refusedWith2001(() => paging.read(PATH, { limit: '0' }));
    refusedWith2001(() => paging.read(PATH, { offset: '-1' }));
    refusedWith2001(() => paging.read(PATH, { date_from: '2026-01-01T00:00:00+01:00' }));
    assert.equal(
      paging.read(PATH, { offset: '4' }).offset,
      4,
      "an offset of the client's own choosing is allowed",
    );
  });

  it('a pull refuses a next-page Link that leaves the endpoint, never sending the token there', async () => {
    const asked: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      asked.push(String(input));
      return new Response(
        JSON.stringify({ status_code: 1000, timestamp: '2026-01-01T00:00:00Z', data: [{ id: 'a' }] }),
        { status: 200, headers: { Link: '<https://elsewhere.example/steal?offset=1>; rel="next"' } },
      );
    };
    const client = createOcpiClient({ fetch: fetchStub, timeoutMs: 1000, attempts: 1, backoffMs: 1 });
    await assert.rejects(
      pullPages(client, {
        url: 'https://cpo.example/ocpi/cpo/2.2.1/locations',
        token: 'token',
        unencodedToken: false,
        correlationId: crypto.randomUUID(),
        described: { version: '2.2.1', file: 'locations/sender-interface', path: '/locations' },
      }),
      (error: unknown) => error instanceof OcpiPeerError && /leaves the endpoint/.test(error.message),
    );
    assert.deepEqual(asked, ['https://cpo.example/ocpi/cpo/2.2.1/locations']);
  });

  it('retries an idempotent request with backoff and a new X-Request-ID, the same X-Correlation-ID; a POST once', async () => {
    const seen: { method: string; requestId: string | null; correlationId: string | null }[] = [];
    const waits: number[] = [];
    const fetchStub: typeof fetch = async (_input, init) => {
      const headers = new Headers(init?.headers);
      seen.push({
        method: String(init?.method),
        requestId: headers.get('x-request-id'),
        correlationId: headers.get('x-correlation-id'),
      });
      return new Response('{"status_code":3000,"timestamp":"2026-01-01T00:00:00Z"}', { status: 503 });
    };
    const client = createOcpiClient({
      fetch: fetchStub,
      timeoutMs: 1000,
      attempts: 3,
      backoffMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    const call = {
      url: 'https://cpo.example/ocpi/cpo/versions',
      token: 't',
      unencodedToken: false,
      correlationId: crypto.randomUUID(),
      described: { version: '2.2.1' as const, file: 'versions/interface' as const, path: '/versions' },
    };
    await assert.rejects(client.call({ ...call, method: 'GET' }), OcpiPeerError);
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen.map((request) => request.requestId)).size, 3, 'a new X-Request-ID per attempt');
    assert.equal(new Set(seen.map((request) => request.correlationId)).size, 1);
    assert.ok(
      (waits[0] as number) >= 100 && (waits[1] as number) >= 200,
      `backoff doubles: ${waits.join(', ')}`,
    );
    seen.length = 0;
    await assert.rejects(client.call({ ...call, method: 'POST', body: {} }), OcpiPeerError);
    assert.equal(seen.length, 1, 'a POST is never repeated');
  });
});
