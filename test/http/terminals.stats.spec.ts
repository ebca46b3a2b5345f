import assert from 'node:assert/strict';
import { terminalDecider } from '../../src/domain/terminal/terminal.decider';
import { terminalEventCodec } from '../../src/domain/terminal/terminal.events';
import type { RegisteredTerminalState, TerminalState } from '../../src/domain/terminal/terminal.state';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { heartbeat, operatorKey, registerTerminal } from './terminals.fixtures';

const STATUSES = ['active', 'suspended', 'maintenance', 'decommissioned'] as const;
const MODELS = ['A920', 'Move5000', 'P2 Pro'];

type Count<K extends string> = Record<K, string | null> & { count: number };

const tally = <K extends string>(field: K, values: (string | null)[]): Count<K>[] => {
  const counts = new Map<string | null, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ [field]: value, count }) as Count<K>)
    .sort((a, b) => (String(a[field] ?? '') < String(b[field] ?? '') ? -1 : 1));
};

/** The statistics recounted from the terminals' own streams, independently of the projection. */
const recount = async (api: TestGateway, merchantId: string) => {
  const streams = new Map<string, TerminalState>();
  for (const event of await api.allEvents()) {
    if (!event.streamName.startsWith('terminal-')) continue;
    const state = streams.get(event.streamName) ?? terminalDecider.initialState();
    streams.set(event.streamName, terminalDecider.evolve(state, terminalEventCodec.parse(event)));
  }
  const all = [...streams.values()].filter(
    (state): state is RegisteredTerminalState =>
      state.status !== 'unregistered' && state.merchantId === merchantId,
  );
  const inService = all.filter((state) => state.status !== 'decommissioned');
  const count = (states: RegisteredTerminalState[], test: (state: RegisteredTerminalState) => boolean) =>
    states.filter(test).length;
  return {
    total: all.length,
    inService: inService.length,
    byStatus: Object.fromEntries(STATUSES.map((status) => [status, count(all, (s) => s.status === status)])),
    connectivity: {
      online: count(inService, (s) => s.connectivity === 'online'),
      offline: count(inService, (s) => s.connectivity === 'offline'),
    },
    byModel: tally(
      'model',
      inService.map((state) => state.model),
    ),
    byFirmware: tally(
      'firmwareVersion',
      inService.map((state) => state.firmwareVersion),
    ),
    health: {
      ok: count(inService, (s) => s.health.status === 'ok'),
      degraded: count(inService, (s) => s.health.status === 'degraded'),
      unknown: count(inService, (s) => s.health.status === 'unknown'),
      problems: tally(
        'code',
        inService.flatMap((state) => state.health.problems),
      ),
    },
  };
};

const countsOf = (stats: any) => {
  const { object: _object, merchantId: _merchantId, updatedAt: _updatedAt, ...counts } = stats;
  return counts;
};

describe('HTTP: fleet statistics', () => {
  let api: TestGateway;

  before(async () => {
    api = await startTestGateway();
  });
  after(() => api.close());

  it('are zero for a merchant without terminals', async () => {
    const key = await operatorKey(api, 'mer_empty');
    const stats = await api.request('GET', '/v1/terminals/stats', { key });
    assert.equal(stats.status, 200);
    assert.equal(stats.body.total, 0);
    assert.deepEqual(stats.body.byModel, []);
  });

  it('stay equal to a recount from the event streams under concurrent registrations and changes', async () => {
    const merchantId = 'mer_fleet';
    const operator = await operatorKey(api, merchantId);
    const rivals = await operatorKey(api, 'mer_rival');
    const registered = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        registerTerminal(api, operator, `SN-FLEET-${i}`, {
          model: MODELS[i % MODELS.length],
          ...(i % 4 === 0 ? { firmwareVersion: undefined } : { firmwareVersion: `1.${i % 3}.0` }),
        }),
      ),
    );
    await Promise.all(Array.from({ length: 5 }, (_, i) => registerTerminal(api, rivals, `SN-RIVAL-${i}`)));

    // Several writers per terminal at once: status changes race health reports on the same stream.
    const statuses = await Promise.all(
      registered.flatMap(({ terminal, apiKey }, i) => {
        const id = terminal.id;
        const now = new Date();
        const writes = [
          api.request('PUT', `/v1/terminals/${id}/status`, {
            key: operator,
            body: { status: STATUSES[i % STATUSES.length] },
          }),
          api.request('POST', `/v1/terminals/${id}/health-events`, {
            key: operator,
            body: heartbeat(now, { type: 'firmware', firmwareVersion: `2.${i % 2}.0` }),
          }),
          api.request('POST', `/v1/terminals/${id}/health-events`, {
            key: operator,
            body: heartbeat(now, {
              type: 'battery',
              battery: { levelPercent: i * 4, charging: i % 3 === 0 },
              paper: { status: i % 5 === 0 ? 'out' : 'ok' },
            }),
          }),
        ];
        if (i % 3 === 1) {
          writes.push(
            api.request('PUT', `/v1/terminals/${id}/status`, {
              key: operator,
              body: { status: 'suspended' },
            }),
          );
        }
        void apiKey;
        return writes;
      }),
    );
    // A write racing a decommissioning may find it final (409); nothing else may fail.
    for (const response of statuses) {
      assert.ok(
        response.status === 200 || response.body.error?.code === 'terminal_decommissioned',
        JSON.stringify(response.body),
      );
    }

    const stats = await api.request('GET', '/v1/terminals/stats', { key: operator });
    assert.equal(stats.status, 200);
    const expected = await recount(api, merchantId);
    assert.deepEqual(countsOf(stats.body), expected);
    assert.equal(expected.total, 24);
    assert.ok(
      expected.byStatus.decommissioned! > 0 && expected.health.problems.length > 0,
      'a weak scenario',
    );

    const rival = await api.request('GET', '/v1/terminals/stats', { key: rivals });
    assert.equal(rival.body.total, 5);

    // Rebuilt from zero, the projection gives the same numbers.
    const projector = api.gateway.projector;
    assert.ok(projector);
    await projector.rebuild();
    const rebuilt = await api.request('GET', '/v1/terminals/stats', { key: operator });
    assert.deepEqual(countsOf(rebuilt.body), expected);
  });
});
