import assert from 'node:assert/strict';
import type { CpmsAdapter } from '../../../src/integrations/cpms/cpms-adapter';
import { stationRoutingCpms, type StationRoute } from '../../../src/integrations/cpms/station-routing-cpms';

/** An adapter that records what it was asked, as the OCPI runtime's adapter would receive it. */
const recordingAdapter = (name: string, calls: unknown[]): CpmsAdapter => ({
  name,
  startSession: async (request) => {
    calls.push(['start', request]);
    return { outcome: 'accepted', cpmsSessionId: null };
  },
  stopSession: async (request) => {
    calls.push(['stop', request]);
    return { outcome: 'accepted' };
  },
  getSession: async (request) => {
    calls.push(['get', request]);
    return { cpmsSessionId: 'SES-1', status: 'STARTED' };
  },
  ping: async () => undefined,
});

const ocpiRoute = (locationId?: string): StationRoute => ({
  kind: 'mapped',
  adapterType: 'ocpi',
  target: {
    chargePointId: 'ocp_PARTY',
    connectorNumber: 2,
    cpmsConnectorId: '2',
    ...(locationId ? { locationId } : {}),
    evseUid: 'LOC-1-EVSE-2',
  },
});

describe('station routing: stations mapped to an OCPI CPO', () => {
  const start = (stationId: string) => ({
    chargeId: 'ch_1',
    merchantId: 'mer_1',
    stationId,
    connectorId: 'A',
    evseId: null,
  });
  const session = (stationId: string) => ({
    chargeId: 'ch_1',
    merchantId: 'mer_1',
    stationId,
    connectorId: 'A',
    cpmsSessionId: null,
  });
  const routed = (ocpi: CpmsAdapter | undefined, fallbackCalls: unknown[]) =>
    stationRoutingCpms({
      fallback: recordingAdapter('fallback', fallbackCalls),
      routeOf: async (_merchantId, stationId) =>
        stationId === 'OCPI'
          ? ocpiRoute('LOC-1')
          : stationId === 'NOLOC'
            ? ocpiRoute()
            : { kind: 'unmapped' },
      lookup: async () => ({ kind: 'not_configured' }),
      ...(ocpi ? { ocpi } : {}),
    });

  it("sends start, stop and status to the OCPI adapter with the CPO's location, EVSE and connector", async () => {
    const calls: unknown[] = [];
    const fallbackCalls: unknown[] = [];
    const router = routed(recordingAdapter('ocpi', calls), fallbackCalls);
    await router.startSession(start('OCPI'));
    await router.stopSession(session('OCPI'));
    assert.equal((await router.getSession(session('OCPI')))?.cpmsSessionId, 'SES-1');
    assert.deepEqual(calls, [
      [
        'start',
        { ...start('OCPI'), stationId: 'ocpi:ocp_PARTY:LOC-1', connectorId: '2', evseId: 'LOC-1-EVSE-2' },
      ],
      [
        'stop',
        { ...session('OCPI'), stationId: 'ocpi:ocp_PARTY:LOC-1', connectorId: '2', evseId: 'LOC-1-EVSE-2' },
      ],
      [
        'get',
        { ...session('OCPI'), stationId: 'ocpi:ocp_PARTY:LOC-1', connectorId: '2', evseId: 'LOC-1-EVSE-2' },
      ],
    ]);
    await router.startSession(start('OTHER'));
    assert.equal(fallbackCalls.length, 1, 'unmapped stations keep their default');
  });

  it('refuses a mapping without a location, or a gateway without an OCPI adapter, never waits', async () => {
    const calls: unknown[] = [];
    const withOcpi = routed(recordingAdapter('ocpi', calls), []);
    const noLocation = await withOcpi.startSession(start('NOLOC'));
    assert.match(noLocation.outcome === 'refused' ? noLocation.reason : '', /^ocpi_location_not_mapped/);
    const without = await routed(undefined, []).startSession(start('OCPI'));
    assert.match(without.outcome === 'refused' ? without.reason : '', /^cpms_adapter_unavailable/);
    await assert.rejects(routed(undefined, []).getSession(session('OCPI')), /cpms_adapter_unavailable/);
    assert.deepEqual(calls, []);
  });
});
