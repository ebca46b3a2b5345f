import { isDeepStrictEqual } from 'node:util';
import type { Decider } from '../shared/decider';
import { notFound } from '../shared/domain-error';
import type { OcpiLocationEvent, OcpiLocationObject } from './ocpi-location.events';

export const LOCATION_NOT_FOUND = 'ocpi_location_not_found';

export type OcpiLocationState =
  | { status: 'empty' }
  | {
      status: 'stored';
      locationRef: string;
      partyRef: string;
      countryCode: string;
      partyId: string;
      location: OcpiLocationObject;
    };

interface Owner {
  locationRef: string;
  partyRef: string;
  countryCode: string;
  partyId: string;
}

export type OcpiLocationCommand = { now: string } & (
  | ({ type: 'StoreLocation'; location: OcpiLocationObject; source: 'put' | 'pull' } & Owner)
  | {
      type: 'PatchLocation';
      patch: Record<string, unknown> & { last_updated: string };
      evseUid?: string;
      connectorId?: string;
    }
);

const sameId = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

const toUtc = (value: string) => new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString();

const statusChanges = (
  locationRef: string,
  before: OcpiLocationObject | undefined,
  after: OcpiLocationObject,
): OcpiLocationEvent[] =>
  (after.evses ?? []).flatMap((evse) => {
    const previous = before?.evses?.find((candidate) => sameId(candidate.uid, evse.uid))?.status ?? null;
    if (previous === evse.status) return [];
    return [
      {
        type: 'OcpiEvseStatusChanged' as const,
        data: {
          locationRef,
          evseUid: evse.uid,
          status: evse.status,
          previousStatus: previous,
          lastUpdated: toUtc(String(evse.last_updated ?? after.last_updated)),
        },
      },
    ];
  });

const stored = (
  owner: Owner,
  location: OcpiLocationObject,
  source: 'put' | 'patch' | 'pull',
  before?: OcpiLocationObject,
) => [
  {
    type: 'OcpiLocationStored' as const,
    data: { ...owner, locationId: location.id, location, lastUpdated: toUtc(location.last_updated), source },
  },
  ...statusChanges(owner.locationRef, before, location),
];

/** PATCH merges the given fields into the Location, one EVSE, or one connector, and moves last_updated up. */
const patched = (
  location: OcpiLocationObject,
  command: Extract<OcpiLocationCommand, { type: 'PatchLocation' }>,
): OcpiLocationObject => {
  const lastUpdated = command.patch.last_updated;
  if (command.evseUid === undefined) return { ...location, ...command.patch } as OcpiLocationObject;
  const evses = location.evses ?? [];
  const evse = evses.find((candidate) => sameId(candidate.uid, command.evseUid as string));
  if (!evse) throw notFound('ocpi_evse_not_found', `no EVSE ${command.evseUid} at ${location.id}`);
  let changed: typeof evse;
  if (command.connectorId === undefined) {
    changed = { ...evse, ...command.patch };
  } else {
    const connector = evse.connectors.find((candidate) =>
      sameId(candidate.id, command.connectorId as string),
    );
    if (!connector) throw notFound('ocpi_connector_not_found', `no connector ${command.connectorId}`);
    changed = {
      ...evse,
      last_updated: lastUpdated,
      connectors: evse.connectors.map((candidate) =>
        candidate === connector ? { ...connector, ...command.patch } : candidate,
      ),
    };
  }
  return {
    ...location,
    last_updated: lastUpdated,
    evses: evses.map((candidate) => (candidate === evse ? changed : candidate)),
  };
};

export const decideOcpiLocation = (
  command: OcpiLocationCommand,
  state: OcpiLocationState,
): OcpiLocationEvent[] => {
  if (command.type === 'StoreLocation') {
    const { type: _type, now: _now, location, source, ...owner } = command;
    if (state.status === 'stored') {
      // OCPI objects carry last_updated: an older copy (a slow pull, a reordered push) changes nothing.
      if (new Date(toUtc(location.last_updated)) < new Date(toUtc(state.location.last_updated))) return [];
      if (isDeepStrictEqual(location, state.location)) return [];
    }
    return stored(owner, location, source, state.status === 'stored' ? state.location : undefined);
  }
  if (state.status !== 'stored') throw notFound(LOCATION_NOT_FOUND, 'no such location');
  const { location, ...rest } = state;
  const owner = {
    locationRef: rest.locationRef,
    partyRef: rest.partyRef,
    countryCode: rest.countryCode,
    partyId: rest.partyId,
  };
  return stored(owner, patched(location, command), 'patch', location);
};

export const evolveOcpiLocation = (state: OcpiLocationState, event: OcpiLocationEvent): OcpiLocationState => {
  switch (event.type) {
    case 'OcpiLocationStored': {
      const { locationRef, partyRef, countryCode, partyId, location } = event.data;
      return {
        status: 'stored',
        locationRef,
        partyRef,
        countryCode,
        partyId,
        location: location as OcpiLocationObject,
      };
    }
    case 'OcpiEvseStatusChanged':
      return state;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown OCPI location event ${JSON.stringify(unreachable)}`);
    }
  }
};

export const ocpiLocationDecider: Decider<OcpiLocationState, OcpiLocationCommand, OcpiLocationEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideOcpiLocation,
  evolve: evolveOcpiLocation,
};
