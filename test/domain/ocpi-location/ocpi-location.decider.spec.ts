import assert from 'node:assert/strict';
import {
  ocpiLocationDecider,
  type OcpiLocationCommand,
} from '../../../src/domain/ocpi-location/ocpi-location.decider';
import type {
  OcpiLocationEvent,
  OcpiLocationObject,
} from '../../../src/domain/ocpi-location/ocpi-location.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiLocationDecider);
const owner = { locationRef: 'ocl_1', partyRef: 'ocp_1', countryCode: 'TR', partyId: 'CPO' };
const location = (status: string, lastUpdated: string): OcpiLocationObject => ({
  id: 'LOC-1',
  last_updated: lastUpdated,
  evses: [{ uid: 'EVSE-1', status, connectors: [{ id: '1' }], last_updated: lastUpdated }],
});
const store = (status: string, lastUpdated: string): OcpiLocationCommand => ({
  type: 'StoreLocation',
  ...owner,
  location: location(status, lastUpdated),
  source: 'put',
  now: lastUpdated,
});
const decide = (history: readonly OcpiLocationEvent[], command: OcpiLocationCommand) =>
  ocpiLocationDecider.decide(
    command,
    history.reduce(ocpiLocationDecider.evolve, ocpiLocationDecider.initialState()),
  );

describe('OCPI location decider', () => {
  const first = decide([], store('AVAILABLE', '2026-01-01T10:00:00Z'));

  it('stores a new Location with each EVSE status as a change from nothing', () => {
    assert.deepEqual(
      first.map((event) => event.type),
      ['OcpiLocationStored', 'OcpiEvseStatusChanged'],
    );
  });

  it('ignores an older or identical copy, reads zone-less last_updated as UTC', () => {
    given(first).when(store('CHARGING', '2026-01-01T09:00:00Z')).then([]);
    given(first).when(store('AVAILABLE', '2026-01-01T10:00:00Z')).then([]);
    const newer = decide(first, store('CHARGING', '2026-01-01T11:00:00'));
    assert.equal((newer[0]?.data as { lastUpdated: string }).lastUpdated, '2026-01-01T11:00:00.000Z');
  });

  it('a PATCH of an EVSE status merges it, moves last_updated up, and records the change', () => {
    const events = decide(first, {
      type: 'PatchLocation',
      evseUid: 'evse-1',
      patch: { status: 'CHARGING', last_updated: '2026-01-01T10:05:00Z' },
      now: '2026-01-01T10:05:00Z',
    });
    const stored = events[0]?.data as unknown as { location: OcpiLocationObject };
    assert.equal(stored.location.last_updated, '2026-01-01T10:05:00Z');
    assert.deepEqual(events[1], {
      type: 'OcpiEvseStatusChanged',
      data: {
        locationRef: 'ocl_1',
        evseUid: 'EVSE-1',
        status: 'CHARGING',
        previousStatus: 'AVAILABLE',
        lastUpdated: '2026-01-01T10:05:00.000Z',
      },
    });
  });

  it('refuses a PATCH of a Location, EVSE or connector it does not know', () => {
    const patch = {
      type: 'PatchLocation' as const,
      patch: { last_updated: '2026-01-01T10:05:00Z' },
      now: 'x',
    };
    given([]).when(patch).thenRefuses('ocpi_location_not_found', 'not_found');
    given(first)
      .when({ ...patch, evseUid: 'nope' })
      .thenRefuses('ocpi_evse_not_found', 'not_found');
    given(first)
      .when({ ...patch, evseUid: 'EVSE-1', connectorId: '9' })
      .thenRefuses('ocpi_connector_not_found', 'not_found');
  });
});
