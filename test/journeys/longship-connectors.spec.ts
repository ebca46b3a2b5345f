import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import { configureLongship, INFRA, startJourney, type Journey } from './journey-harness';

const at = (seconds: number) =>
  new Date(Date.parse('2026-11-27T08:00:00.000Z') + seconds * 1000).toISOString();

describe('Journey: connector statuses pushed and polled by the Longship simulator', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney();
    await configureLongship(j);
    j.longship.addChargePoint('LS-PUSH', 2);
    j.longship.addChargePoint('LS-POLL', 2);
    await j.map({
      stationId: 'IZM-PUSH',
      adapterType: 'longship',
      chargePointId: 'LS-PUSH',
      connectors: [
        { connectorId: '1', connectorNumber: 1 },
        { connectorId: '2', connectorNumber: 2 },
      ],
    });
    await j.map({
      stationId: 'IZM-POLL',
      adapterType: 'longship',
      chargePointId: 'LS-POLL',
      connectors: [{ connectorId: '1', connectorNumber: 1 }],
    });
  });
  after(() => j.close());

  const connectorsOf = async (stationId: string) => {
    const page = await j.call('GET', `${INFRA}/connectors?stationId=${stationId}`, j.infraKey);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    return page.body.data
      .map((c: any) => [c.connectorId, c.status, c.observedAt, c.source])
      .sort((a: string[], b: string[]) => a[0]!.localeCompare(b[0]!));
  };

  it('follows pushes at the mounted receiver, authenticated by the secret configured through the API', async () => {
    j.longship.setConnectorStatus('LS-PUSH', 1, 'Preparing', at(10));
    j.longship.setConnectorStatus('LS-PUSH', 2, 'Faulted', at(10));
    await j.longship.settlePushes();
    assert.deepEqual(
      j.longship.pushes().map((push) => push.answer),
      [204, 204],
    );
    await eventually(async () =>
      assert.deepEqual(await connectorsOf('IZM-PUSH'), [
        ['1', 'Preparing', at(10), 'push'],
        ['2', 'Faulted', at(10), 'push'],
      ]),
    );
  });

  it('keeps the newest status when pushes arrive in reverse order', async () => {
    j.longship.holdPushes();
    j.longship.setConnectorStatus('LS-PUSH', 1, 'Charging', at(20));
    j.longship.setConnectorStatus('LS-PUSH', 1, 'SuspendedEV', at(30));
    j.longship.setConnectorStatus('LS-PUSH', 1, 'Finishing', at(40));
    await j.longship.releasePushes('reversed');
    const delivered = j.longship.pushes().slice(-3);
    assert.deepEqual(
      delivered.map((push) => [push.event.time, push.answer]),
      [
        [at(40), 204],
        [at(30), 204],
        [at(20), 204],
      ],
    );
    await eventually(async () =>
      assert.deepEqual((await connectorsOf('IZM-PUSH'))[0], ['1', 'Finishing', at(40), 'push']),
    );
    const recorded = (await j.h.api.allEvents())
      .filter((event) => event.type === 'ConnectorStatusChanged')
      .filter((event) => event.data.chargePointId === 'LS-PUSH' && event.data.connectorNumber === 1)
      .map((event) => event.data.status);
    assert.deepEqual(recorded, ['Preparing', 'Finishing'], 'the older pushes arriving later are no events');
  });

  it('follows polled statuses when the adapter polls, and the summary follows both', async () => {
    // The charge point's change is never pushed: only polling can find it.
    j.longship.holdPushes();
    j.longship.setConnectorStatus('LS-POLL', 1, 'Unavailable', at(50));
    const patched = await j.configure('longship', { pollIntervalMs: 1_000 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await eventually(async () => {
      j.clock.advance(1_000);
      assert.deepEqual(await connectorsOf('IZM-POLL'), [['1', 'Unavailable', at(50), 'poll']]);
    });
    assert.ok(j.longship.requests(/GET \/v1\/chargepointstatus/).length >= 1);
    // A poll never undoes a newer push: the pushed Finishing@40 stays, the poll answer is the same time.
    assert.deepEqual((await connectorsOf('IZM-PUSH'))[0], ['1', 'Finishing', at(40), 'push']);

    j.longship.setConnectorStatus('LS-POLL', 1, 'Available', at(60));
    await eventually(async () => {
      j.clock.advance(1_000);
      assert.deepEqual(await connectorsOf('IZM-POLL'), [['1', 'Available', at(60), 'poll']]);
    });
    const summary = await j.call('GET', `${INFRA}/connectors/summary`, j.infraKey);
    assert.equal(summary.status, 200, JSON.stringify(summary.body));
    assert.deepEqual(
      [
        summary.body.total,
        summary.body.byStatus,
        summary.body.byStation.map((s: any) => [s.stationId, s.byStatus]),
      ],
      [
        3,
        { Finishing: 1, Faulted: 1, Available: 1 },
        [
          ['IZM-POLL', { Available: 1 }],
          ['IZM-PUSH', { Finishing: 1, Faulted: 1 }],
        ],
      ],
    );
    await j.configure('longship', { pollIntervalMs: 0 });
    await j.longship.releasePushes();
  });
});
