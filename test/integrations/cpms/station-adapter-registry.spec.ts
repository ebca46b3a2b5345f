import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import type { StationAdapterSettings } from '../../../src/integrations/cpms/station-adapter';
import {
  stationAdapterRegistry,
  type VersionedSettings,
} from '../../../src/integrations/cpms/station-adapter-registry';
import { stationRoutingCpms, type StationRoute } from '../../../src/integrations/cpms/station-routing-cpms';
import type { CpmsAdapter } from '../../../src/integrations/cpms/cpms-adapter';
import { FakeStationCpms } from '../../support/fake-station-adapter';

const settings = (baseUrl: string): StationAdapterSettings => ({
  adapterType: 'corpay',
  baseUrl,
  timeouts: { requestMs: 1_000, startConfirmMs: 10_000 },
  retry: { attempts: 1, backoffMs: 0 },
  circuitBreaker: { failureThreshold: 3, resetMs: 1_000 },
  pollIntervalMs: 0,
  credentials: { clientId: 'id', clientSecret: 'secret' },
});

const sink = { connectorStatus: async () => undefined, session: async () => undefined };

describe('station adapter registry and station routing', () => {
  it('builds one adapter per configuration version, even for concurrent lookups, and closes the replaced one', async () => {
    const cpms = new FakeStationCpms();
    let current: VersionedSettings | undefined = { version: 1, settings: settings('http://a') };
    const registry = stationAdapterRegistry({
      factories: { corpay: cpms.factory },
      loadSettings: async () => current,
      adapterDeps: { now: () => new Date(), sink },
      logger: silentLogger(),
    });
    const found = await Promise.all([1, 2, 3].map(() => registry.lookup('corpay')));
    assert.deepEqual(
      found.map((entry) => entry.kind),
      ['ready', 'ready', 'ready'],
    );
    assert.equal(cpms.built.length, 1);

    current = { version: 2, settings: settings('http://b') };
    await registry.lookup('corpay');
    assert.deepEqual([cpms.built.length, cpms.closed, cpms.built[1]?.baseUrl], [2, 1, 'http://b']);

    current = undefined;
    assert.equal((await registry.lookup('corpay')).kind, 'not_configured');
    assert.equal(cpms.closed, 2);
    assert.equal((await registry.lookup('longship')).kind, 'not_configured');
    await registry.close();
  });

  it('reports a configured type without a factory as unavailable', async () => {
    const registry = stationAdapterRegistry({
      factories: {},
      loadSettings: async () => ({ version: 1, settings: settings('http://a') }),
      adapterDeps: { now: () => new Date(), sink },
      logger: silentLogger(),
    });
    assert.equal((await registry.lookup('corpay')).kind, 'unavailable');
    assert.deepEqual(
      (await registry.health()).map((entry) => entry.status),
      ['unavailable', 'unavailable'],
    );
  });

  it('routes by station: mapped to the adapter with its target, unmapped to the fallback, unconfigured refused', async () => {
    const cpms = new FakeStationCpms();
    const fallbackCalls: string[] = [];
    const fallback: CpmsAdapter = {
      name: 'fallback',
      startSession: async ({ chargeId }) => (
        fallbackCalls.push(chargeId),
        { outcome: 'accepted', cpmsSessionId: null }
      ),
      stopSession: async () => ({ outcome: 'accepted' }),
      getSession: async () => undefined,
      ping: async () => undefined,
    };
    const routes: Record<string, StationRoute> = {
      MAPPED: { kind: 'mapped', adapterType: 'corpay', target: { chargePointId: 'CP', connectorNumber: 2 } },
      ELSEWHERE: {
        kind: 'mapped',
        adapterType: 'longship',
        target: { chargePointId: 'CP', connectorNumber: 1 },
      },
    };
    const registry = stationAdapterRegistry({
      factories: { corpay: cpms.factory },
      loadSettings: async (type) =>
        type === 'corpay' ? { version: 1, settings: settings('http://a') } : undefined,
      adapterDeps: { now: () => new Date(), sink },
      logger: silentLogger(),
    });
    const routed = stationRoutingCpms({
      fallback,
      routeOf: async (_merchant, stationId) => routes[stationId] ?? { kind: 'unmapped' },
      lookup: registry.lookup,
    });
    const request = (chargeId: string, stationId: string) => ({
      chargeId,
      merchantId: 'mer_1',
      stationId,
      connectorId: '1',
      evseId: null,
    });
    assert.deepEqual(await routed.startSession(request('ch_1', 'MAPPED')), {
      outcome: 'accepted',
      cpmsSessionId: 'fake-ch_1',
      route: { adapterType: 'corpay', chargePointId: 'CP', connectorNumber: 2 },
    });
    assert.deepEqual(cpms.callsOf('start')[0]?.target, { chargePointId: 'CP', connectorNumber: 2 });
    await routed.startSession(request('ch_2', 'UNMAPPED'));
    assert.deepEqual(fallbackCalls, ['ch_2']);
    const refused = await routed.startSession(request('ch_3', 'ELSEWHERE'));
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.outcome === 'refused' ? refused.reason : '', /^cpms_adapter_not_configured/);
    const session = {
      chargeId: 'ch_1',
      merchantId: 'mer_1',
      stationId: 'MAPPED',
      connectorId: '1',
      cpmsSessionId: 'fake-ch_1',
    };
    assert.equal((await routed.getSession(session))?.status, 'STARTED');
    assert.deepEqual(await routed.stopSession(session), { outcome: 'accepted' });
    assert.equal(cpms.callsOf('stop')[0]?.cpmsSessionId, 'fake-ch_1');
    // A session that recorded its route is called there, whatever the station's mapping says now.
    const pinned = {
      ...session,
      stationId: 'UNMAPPED',
      route: { adapterType: 'corpay', chargePointId: 'CP-OLD', connectorNumber: 7 },
    };
    assert.deepEqual(await routed.stopSession(pinned), { outcome: 'accepted' });
    assert.deepEqual(cpms.callsOf('stop')[1]?.target, { chargePointId: 'CP-OLD', connectorNumber: 7 });
    const unknownType = await routed.stopSession({
      ...pinned,
      route: { ...pinned.route, adapterType: 'ocpi' },
    });
    assert.match(unknownType.outcome === 'refused' ? unknownType.reason : '', /^cpms_adapter_unavailable/);
    await registry.close();
  });
});
