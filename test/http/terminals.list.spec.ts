import assert from 'node:assert/strict';
import { ManualClock, startTestGateway, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerTerminal } from './terminals.fixtures';

describe('HTTP: listing terminals', () => {
  const clock = new ManualClock(new Date('2026-03-03T08:00:00.000Z'));
  let api: TestGateway;
  let operator: string;
  const ids: string[] = [];

  before(async () => {
    api = await startTestGateway({ clock });
    operator = await operatorKey(api);
    for (let i = 0; i < 7; i++) {
      const { terminal, apiKey } = await registerTerminal(api, operator, `SN-LIST-${i}`, {
        stationId: i % 2 === 0 ? 'IST-EVEN' : 'IST-ODD',
        model: i < 5 ? 'A920' : 'Move5000',
      });
      ids.push(terminal.id);
      if (i === 1) {
        await api.request('POST', `/v1/terminals/${terminal.id}/health-events`, {
          key: apiKey,
          body: heartbeat(clock.now(), { type: 'paper', paper: { status: 'out' } }),
        });
      }
      clock.advance(1_000);
    }
    await registerTerminal(api, await operatorKey(api, 'mer_other'), 'SN-LIST-OTHER');
  });
  after(() => api.close());

  const list = (query: string, key = operator) => api.request('GET', `/v1/terminals${query}`, { key });

  it('pages through the fleet newest first with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: any = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.object, 'list');
      seen.push(...response.body.data.map((terminal: any) => terminal.id));
      assert.equal(response.body.hasMore, response.body.nextCursor !== null);
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...ids].reverse(), 'not every terminal once, newest first');
  });

  it('filters by station, status, model, connectivity, health and last seen', async () => {
    const idsOf = async (query: string) => (await list(query)).body.data.map((terminal: any) => terminal.id);
    assert.deepEqual(await idsOf('?stationId=IST-ODD'), [ids[5], ids[3], ids[1]]);
    assert.deepEqual(await idsOf('?model=Move5000'), [ids[6], ids[5]]);
    assert.deepEqual(await idsOf('?connectivity=online'), [ids[1]]);
    assert.deepEqual(await idsOf('?healthStatus=degraded'), [ids[1]]);
    assert.deepEqual(await idsOf('?lastSeenAfter=2026-03-03T08:00:00Z'), [ids[1]]);
    assert.deepEqual(await idsOf('?lastSeenBefore=2026-03-03T08:00:00Z'), []);
    assert.deepEqual(await idsOf('?status=suspended'), []);
    assert.deepEqual(await idsOf('?stationId=IST-ODD&model=A920&limit=1'), [ids[3]]);
  });

  it('shows a registration or status change at once (read-your-writes)', async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-LIST-NEW', { stationId: 'IST-NEW' });
    assert.deepEqual(
      (await list('?stationId=IST-NEW')).body.data.map((item: any) => item.id),
      [terminal.id],
    );
    await api.request('PUT', `/v1/terminals/${terminal.id}/status`, {
      key: operator,
      body: { status: 'suspended' },
    });
    assert.deepEqual(
      (await list('?status=suspended')).body.data.map((item: any) => item.id),
      [terminal.id],
    );
  });

  it('refuses a cursor it did not give: 400', async () => {
    const response = await list(`?cursor=${Buffer.from('{"x":1}').toString('base64url')}`);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_cursor');
  });
});
