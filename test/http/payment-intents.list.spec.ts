import assert from 'node:assert/strict';
import { ManualClock, startTestGateway, type TestGateway } from '../support/test-gateway';
import { eventually } from '../support/eventually';
import { authorizeBody, createBody } from './payment-intents.fixtures';

const START = new Date('2026-03-02T09:00:00.000Z');
const MINUTE_MS = 60_000;

describe('HTTP: listing payment intents', () => {
  let api: TestGateway;
  let clock: ManualClock;
  let merchantKey: string;
  let terminalKey: string;
  /** Ids in creation order: [trm_1, trm_2, trm_1 (authorized), trm_2 (authorized), trm_1 by its own key]. */
  const ids: string[] = [];

  const create = async (key: string, terminalId: string) => {
    const created = await api.request('POST', '/v1/payment-intents', {
      key,
      body: createBody(10_000, { terminalId }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    ids.push(created.body.id as string);
    clock.advance(MINUTE_MS);
    return created.body.id as string;
  };

  const list = async (query: string, key = merchantKey) => {
    const response = await api.request('GET', `/v1/payment-intents${query}`, { key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as {
      object: string;
      data: { id: string }[];
      hasMore: boolean;
      nextCursor: string | null;
    };
  };
  const idsOf = async (query: string, key = merchantKey) =>
    (await list(query, key)).data.map((intent) => intent.id);

  before(async () => {
    clock = new ManualClock(START);
    api = await startTestGateway({ clock });
    merchantKey = await api.issueKey({ scopes: ['payments:read', 'payments:write'] });
    terminalKey = await api.issueKey({ terminalId: 'trm_1', scopes: ['payments:read', 'payments:write'] });
    const otherMerchant = await api.issueKey({ merchantId: 'mer_other', scopes: ['payments:write'] });
    await create(merchantKey, 'trm_1');
    await create(merchantKey, 'trm_2');
    for (const terminalId of ['trm_1', 'trm_2']) {
      const id = await create(merchantKey, terminalId);
      const authorized = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
        key: merchantKey,
        body: authorizeBody(),
      });
      assert.equal(authorized.status, 200);
    }
    await create(terminalKey, 'trm_1');
    await api.request('POST', '/v1/payment-intents', { key: otherMerchant, body: createBody() });
    // Lists read the projection: wait until it holds all of them, and the authorizations.
    await eventually(async () => assert.equal((await idsOf('?status=authorized')).length, 2));
    await eventually(async () => assert.equal((await idsOf('')).length, 5));
  });
  after(() => api.close());

  it("lists the merchant's intents newest first, and never another merchant's", async () => {
    const page = await list('');
    assert.equal(page.object, 'list');
    assert.deepEqual(
      page.data.map((intent) => intent.id),
      [...ids].reverse(),
    );
    assert.equal(page.hasMore, false);
    assert.equal(page.nextCursor, null);
  });

  it('filters by status, terminal and created range (from inclusive, to exclusive)', async () => {
    assert.deepEqual(await idsOf('?status=authorized'), [ids[3], ids[2]]);
    assert.deepEqual(await idsOf('?status=captured'), []);
    assert.deepEqual(await idsOf('?terminalId=trm_2'), [ids[3], ids[1]]);
    assert.deepEqual(await idsOf('?terminalId=trm_2&status=requires_authorization'), [ids[1]]);
    const at = (minutes: number) =>
      encodeURIComponent(new Date(START.getTime() + minutes * MINUTE_MS).toISOString());
    assert.deepEqual(await idsOf(`?createdFrom=${at(1)}&createdTo=${at(3)}`), [ids[2], ids[1]]);
  });

  it("a terminal's key sees its own terminal's intents only, whatever terminal it asks for", async () => {
    assert.deepEqual(await idsOf('', terminalKey), [ids[4], ids[2], ids[0]]);
    assert.deepEqual(await idsOf('?terminalId=trm_2', terminalKey), []);
  });

  it('pages with the cursor: every intent once, in order', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(query);
      seen.push(...page.data.map((intent) => intent.id));
      if (!page.hasMore) break;
      assert.ok(page.nextCursor);
      query = `?limit=2&cursor=${page.nextCursor}`;
    }
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('refuses a bad filter or cursor with a 400', async () => {
    for (const query of ['?status=lost', '?limit=0', '?createdFrom=yesterday', '?cursor=bm90LWEtY3Vyc29y']) {
      const response = await api.request('GET', `/v1/payment-intents${query}`, { key: merchantKey });
      assert.equal(response.status, 400, query);
      assert.ok(response.body.error.code, query);
    }
  });

  it('needs payments:read', async () => {
    const writeOnly = await api.issueKey({ scopes: ['payments:write'] });
    assert.equal((await api.request('GET', '/v1/payment-intents', { key: writeOnly })).status, 403);
  });
});
