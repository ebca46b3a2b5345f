import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const tariff = {
  currency: 'TRY',
  type: 'AD_HOC_PAYMENT',
  tariffAltText: [{ language: 'tr', text: 'kWh başına 7,50 TL + KDV' }],
  minPrice: { exclVat: 2_000, inclVat: 2_400 },
  preauthorizeAmount: 50_000,
  elements: [
    {
      priceComponents: [{ type: 'ENERGY', price: 7.5, stepSize: 1 }],
      restrictions: { startTime: '07:00', endTime: '23:00', dayOfWeek: ['MONDAY', 'FRIDAY'] },
    },
    { priceComponents: [{ type: 'ENERGY', price: 5.25, vat: 20, stepSize: 100 }] },
  ],
};

describe('HTTP: tariffs', () => {
  let api: TestGateway;
  let key: string;

  before(async () => {
    api = await startTestGateway();
    key = await api.issueKey({ scopes: ['tariffs:read', 'tariffs:write'] });
  });
  after(() => api.close());

  it('creates, reads back, replaces and deletes a tariff, with versions as ETags', async () => {
    const created = await api.request('PUT', '/v1/tariffs/night-1', { key, body: tariff });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('etag'), '"1"');
    assert.deepEqual(
      {
        id: created.body.id,
        object: created.body.object,
        merchantId: created.body.merchantId,
        minPrice: created.body.minPrice,
        maxPrice: created.body.maxPrice,
        preauthorizeAmount: created.body.preauthorizeAmount,
        elements: created.body.elements,
      },
      {
        id: 'night-1',
        object: 'tariff',
        merchantId: 'mer_test',
        minPrice: { exclVat: 2_000, inclVat: 2_400 },
        maxPrice: null,
        preauthorizeAmount: 50_000,
        elements: tariff.elements,
      },
    );

    const read = await api.request('GET', '/v1/tariffs/night-1', { key });
    assert.deepEqual([read.status, read.body], [200, created.body]);

    const unchanged = await api.request('PUT', '/v1/tariffs/night-1', { key, body: tariff });
    assert.deepEqual([unchanged.status, unchanged.body.version], [200, 1]);

    const replaced = await api.request('PUT', '/v1/tariffs/night-1', {
      key,
      body: { ...tariff, preauthorizeAmount: 60_000 },
      headers: { 'if-match': '"1"' },
    });
    assert.deepEqual(
      [replaced.status, replaced.body.version, replaced.body.preauthorizeAmount],
      [200, 2, 60_000],
    );
    assert.equal(replaced.body.createdAt, created.body.createdAt);

    const stale = await api.request('PUT', '/v1/tariffs/night-1', {
      key,
      body: tariff,
      headers: { 'if-match': '"1"' },
    });
    assert.deepEqual([stale.status, stale.body.error.code], [412, 'version_mismatch']);

    assert.equal((await api.request('DELETE', '/v1/tariffs/night-1', { key })).status, 204);
    const gone = await api.request('GET', '/v1/tariffs/night-1', { key });
    assert.deepEqual([gone.status, gone.body.error.code], [404, 'tariff_not_found']);
    const again = await api.request('DELETE', '/v1/tariffs/night-1', { key });
    assert.equal(again.status, 404);
  });

  it("keeps merchants' tariffs apart, even under the same id", async () => {
    const other = await api.issueKey({ merchantId: 'mer_other', scopes: ['tariffs:read', 'tariffs:write'] });
    await api.request('PUT', '/v1/tariffs/shared-id', { key, body: tariff });
    const theirs = await api.request('PUT', '/v1/tariffs/shared-id', {
      key: other,
      body: { ...tariff, currency: 'EUR' },
    });
    assert.equal(theirs.status, 201);
    const mine = await api.request('GET', '/v1/tariffs/shared-id', { key });
    assert.deepEqual([mine.body.currency, mine.body.merchantId], ['TRY', 'mer_test']);
    const onlyTheirs = await api.request('GET', '/v1/tariffs/night-x', { key: other });
    assert.equal(onlyTheirs.status, 404);
  });

  it('treats ids case-insensitively (OCPI CiString): TD-CaseTest and td-casetest are one tariff', async () => {
    const created = await api.request('PUT', '/v1/tariffs/TD-CaseTest', { key, body: tariff });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const replaced = await api.request('PUT', '/v1/tariffs/td-casetest', {
      key,
      body: { ...tariff, currency: 'EUR' },
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.version, 2);
    const read = await api.request('GET', '/v1/tariffs/TD-CASETEST', { key });
    assert.deepEqual([read.status, read.body.currency], [200, 'EUR']);
    const deleted = await api.request('DELETE', '/v1/tariffs/Td-CaseTest', { key });
    assert.equal(deleted.status, 204);
    assert.equal((await api.request('GET', '/v1/tariffs/td-casetest', { key })).status, 404);
  });

  it('lists tariffs by id with cursor pagination', async () => {
    const lister = await api.issueKey({
      merchantId: 'mer_lister',
      scopes: ['tariffs:read', 'tariffs:write'],
    });
    for (const id of ['c', 'a', 'b'])
      await api.request('PUT', `/v1/tariffs/${id}`, { key: lister, body: tariff });
    const pages = await eventually(async () => {
      const first = await api.request('GET', '/v1/tariffs?limit=2', { key: lister });
      assert.deepEqual(
        first.body.data.map((item: any) => item.id),
        ['a', 'b'],
      );
      const second = await api.request('GET', `/v1/tariffs?limit=2&cursor=${first.body.nextCursor}`, {
        key: lister,
      });
      return [first.body, second.body];
    });
    assert.deepEqual(
      pages[1].data.map((item: any) => item.id),
      ['c'],
    );
    assert.deepEqual([pages[0].hasMore, pages[1].hasMore], [true, false]);
    const bad = await api.request('GET', '/v1/tariffs?cursor=notacursor', { key: lister });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'invalid_cursor']);
  });

  it('refuses invalid tariffs with 400, appending nothing', async () => {
    const before = (await api.allEvents()).length;
    const cases: [unknown, string][] = [
      [{ ...tariff, elements: [] }, 'validation_failed'],
      [{ ...tariff, extra: true }, 'validation_failed'],
      [
        { ...tariff, elements: [{ priceComponents: [{ type: 'ENERGY', price: 7.12345, stepSize: 1 }] }] },
        'invalid_tariff',
      ],
      [
        { ...tariff, elements: [{ priceComponents: [{ type: 'KWH', price: 1, stepSize: 1 }] }] },
        'validation_failed',
      ],
      [
        {
          ...tariff,
          elements: [
            {
              priceComponents: [{ type: 'TIME', price: 1, stepSize: 1 }],
              restrictions: { startTime: '25:00' },
            },
          ],
        },
        'validation_failed',
      ],
      [{ ...tariff, minPrice: { exclVat: 100, inclVat: 50 } }, 'invalid_tariff'],
      [{ ...tariff, minPrice: { exclVat: 9_000 }, maxPrice: { exclVat: 100 } }, 'invalid_tariff'],
      [{ ...tariff, price: -1 }, 'validation_failed'],
    ];
    for (const [body, code] of cases) {
      const response = await api.request('PUT', '/v1/tariffs/bad', { key, body });
      assert.deepEqual([response.status, response.body.error.code], [400, code], JSON.stringify(body));
    }
    const badId = await api.request('PUT', `/v1/tariffs/${'x'.repeat(37)}`, { key, body: tariff });
    assert.equal(badId.status, 400);
    assert.equal((await api.allEvents()).length, before);
  });

  it('needs the tariffs scopes', async () => {
    const payments = await api.issueKey({ scopes: ['payments:read', 'payments:write'] });
    const put = await api.request('PUT', '/v1/tariffs/t', { key: payments, body: tariff });
    const get = await api.request('GET', '/v1/tariffs', { key: payments });
    assert.deepEqual([put.status, get.status], [403, 403]);
  });
});
