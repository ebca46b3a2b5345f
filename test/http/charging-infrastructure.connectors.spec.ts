import assert from 'node:assert/strict';
import type { ConnectorStatusObservation } from '../../src/integrations/cpms/station-adapter';
import { eventually } from '../support/eventually';
import {
  CONFIG,
  FAKE_RECEIVER_PATH,
  LONGSHIP_SECRETS,
  mappingBody,
  startInfraHarness,
  type InfraHarness,
} from './charging-infrastructure.fixtures';

const CONNECTORS = '/v1/charging-infrastructure/connectors';
const SUMMARY = `${CONNECTORS}/summary`;

const observation = (
  chargePointId: string,
  connectorNumber: number,
  status: ConnectorStatusObservation['status'],
  observedAt: string,
  source: 'push' | 'poll' = 'push',
): ConnectorStatusObservation => ({
  adapterType: 'longship',
  chargePointId,
  connectorNumber,
  status,
  connectivity: 'online',
  observedAt,
  source,
});

describe('HTTP: connector statuses from pushes and polling', function () {
  this.timeout(30_000);
  let h: InfraHarness;

  before(async () => {
    h = await startInfraHarness();
    await h.createMapping(mappingBody('CON-A'));
    await h.createMapping(mappingBody('CON-B'));
    await h.configureLongship();
    // The registry builds the adapter on first use; the sink is what it hands the adapter.
    await eventually(async () => assert.ok(h.cpms.sink, 'the adapter was built (the poller looks it up)'));
  });
  after(async () => {
    await h.close();
    const logged = h.logLines.join('\n');
    for (const secret of [...Object.values(LONGSHIP_SECRETS), 'rotated-webhook-secret'])
      assert.ok(!logged.includes(secret), 'no webhook secret in any log line');
  });

  const list = async (query = '') => {
    const response = await h.api.request('GET', `${CONNECTORS}${query}`, { key: h.key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };

  it('keeps the newest status by source time: an older push arriving later changes nothing', async () => {
    const sink = h.cpms.sink!;
    await sink.connectorStatus(observation('CP-CON-A', 1, 'Charging', '2026-11-27T08:00:20.000Z'));
    await sink.connectorStatus(observation('CP-CON-A', 1, 'Available', '2026-11-27T08:00:10.000Z'));
    await sink.connectorStatus(observation('CP-CON-A', 1, 'Charging', '2026-11-27T08:00:25.000Z'));
    const connector = await eventually(async () => {
      const page = await list('?stationId=CON-A');
      assert.equal(page.data[0]?.observedAt, '2026-11-27T08:00:25.000Z', JSON.stringify(page));
      return page.data[0];
    });
    assert.deepEqual(
      [
        connector.status,
        connector.observedAt,
        connector.connectorId,
        connector.connectorNumber,
        connector.source,
      ],
      ['Charging', '2026-11-27T08:00:25.000Z', '1', 1, 'push'],
    );
    const stream = (await h.api.allEvents()).filter((event) => event.type === 'ConnectorStatusChanged');
    assert.deepEqual(
      stream.map((event) => event.data.observedAt),
      ['2026-11-27T08:00:20.000Z', '2026-11-27T08:00:25.000Z'],
      'the stale push was not an event',
    );

    await sink.connectorStatus(observation('CP-CON-A', 1, 'Finishing', '2026-11-27T08:00:30.000Z'));
    await eventually(async () => assert.equal((await list('?stationId=CON-A')).data[0].status, 'Finishing'));
  });

  it('polls the mapped charge points of adapters that ask for it, and summarizes', async () => {
    h.cpms.pollAnswer = [
      observation('CP-CON-B', 1, 'Available', '2026-11-27T08:01:00.000Z', 'poll'),
      observation('CP-CON-B', 2, 'Faulted', '2026-11-27T08:01:00.000Z', 'poll'),
      observation('CP-CON-A', 2, 'Available', '2026-11-27T08:01:00.000Z', 'poll'),
      // Older than what the push said: ignored.
      observation('CP-CON-A', 1, 'Available', '2026-11-27T08:00:00.000Z', 'poll'),
      // A charge point no station of ours maps.
      observation('CP-UNKNOWN', 1, 'Available', '2026-11-27T08:01:00.000Z', 'poll'),
    ];
    const patched = await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      body: { pollIntervalMs: 1_000 },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await eventually(async () => assert.equal((await list()).data.length, 4));
    assert.deepEqual(h.cpms.callsOf('poll')[0]?.chargePointIds, ['CP-CON-A', 'CP-CON-B']);

    const summary = await h.api.request('GET', SUMMARY, { key: h.key });
    assert.equal(summary.status, 200, JSON.stringify(summary.body));
    assert.deepEqual(summary.body, {
      object: 'connector_summary',
      total: 4,
      byStatus: { Finishing: 1, Available: 2, Faulted: 1 },
      byAdapter: [
        { adapterType: 'longship', total: 4, byStatus: { Finishing: 1, Available: 2, Faulted: 1 } },
      ],
      byStation: [
        { stationId: 'CON-A', total: 2, byStatus: { Finishing: 1, Available: 1 } },
        { stationId: 'CON-B', total: 2, byStatus: { Available: 1, Faulted: 1 } },
      ],
    });

    assert.deepEqual(
      (await list('?status=Faulted')).data.map((c: any) => [c.stationId, c.connectorId, c.source]),
      [['CON-B', '2', 'poll']],
    );
    assert.equal((await list('?adapterType=corpay')).data.length, 0);
    const first = await list('?limit=3');
    const rest = await list(`?limit=3&cursor=${first.nextCursor}`);
    assert.deepEqual([first.data.length, first.hasMore, rest.data.length, rest.hasMore], [3, true, 1, false]);
    assert.equal(new Set([...first.data, ...rest.data].map((c: any) => c.id)).size, 4);

    await h.api.request('PATCH', `${CONFIG}/longship`, { key: h.admin, body: { pollIntervalMs: 0 } });
  });

  it('takes pushes at a partner route, authenticated by the live secret of the adapter, not an API key', async () => {
    const push = (secret: string, status: string) =>
      fetch(`${h.api.url}${FAKE_RECEIVER_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
        body: JSON.stringify(observation('CP-CON-B', 1, status as 'Charging', '2026-11-27T08:05:00.000Z')),
      });
    assert.equal((await push('wrong', 'Charging')).status, 401);
    assert.equal((await push(LONGSHIP_SECRETS.webhookSecret, 'Charging')).status, 202);
    await eventually(async () =>
      assert.equal((await list('?stationId=CON-B&status=Charging')).data.length, 1),
    );
    await h.api.request('PATCH', `${CONFIG}/longship`, {
      key: h.admin,
      body: { credentials: { webhookSecret: 'rotated-webhook-secret' } },
    });
    await eventually(async () =>
      assert.equal((await push(LONGSHIP_SECRETS.webhookSecret, 'Charging')).status, 401),
    );
    assert.equal((await push('rotated-webhook-secret', 'Charging')).status, 202);
  });

  it('drops the connectors a mapping no longer names from the list and the summary', async () => {
    const mappings = (await h.api.request('GET', '/v1/charging-infrastructure/mappings', { key: h.key })).body
      .data;
    const byStation = (stationId: string) => mappings.find((m: any) => m.stationId === stationId);
    const narrowed = await h.api.request(
      'PATCH',
      `/v1/charging-infrastructure/mappings/${byStation('CON-A').id}`,
      {
        key: h.key,
        body: { connectors: [{ connectorId: '1', connectorNumber: 1 }] },
      },
    );
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
    const deleted = await h.api.request(
      'DELETE',
      `/v1/charging-infrastructure/mappings/${byStation('CON-B').id}`,
      {
        key: h.key,
      },
    );
    assert.equal(deleted.status, 204);
    await eventually(async () =>
      assert.deepEqual(
        (await list()).data.map((c: any) => [c.stationId, c.connectorNumber]),
        [['CON-A', 1]],
      ),
    );
    const summary = await h.api.request('GET', SUMMARY, { key: h.key });
    assert.deepEqual(
      [summary.body.total, summary.body.byStation.map((s: any) => s.stationId)],
      [1, ['CON-A']],
    );
    const retired = (await h.api.allEvents()).filter((event) => event.type === 'ConnectorStatusRetired');
    assert.equal(retired.length, 3);
  });

  it('shows a merchant only its own connectors', async () => {
    const other = await h.api.issueKey({ merchantId: 'mer_elsewhere', scopes: ['infrastructure:read'] });
    const theirs = await h.api.request('GET', CONNECTORS, { key: other });
    assert.deepEqual(theirs.body.data, []);
    const summary = await h.api.request('GET', SUMMARY, { key: other });
    assert.deepEqual([summary.body.total, summary.body.byStation], [0, []]);
    const bad = await h.api.request('GET', `${CONNECTORS}?status=Sleeping`, { key: h.key });
    assert.equal(bad.status, 400);
  });
});
