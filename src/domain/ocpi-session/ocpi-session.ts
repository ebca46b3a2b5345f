import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { notFound } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

/** A CPO's Session as OCPI carries it (validated against the official description on the way in). */
export type OcpiSessionObject = Record<string, unknown> & {
  id: string;
  kwh: number;
  status: string;
  last_updated: string;
  authorization_reference?: string;
};

export const ocpiSessionEventSchemas = {
  /**
   * The whole Session after a PUT or PATCH, and what a charge follows from it: status, energy, and the
   * authorization_reference (our payment intent in the PTP flow).
   */
  OcpiSessionStored: z.object({
    sessionRef: z.string(),
    partyRef: z.string(),
    countryCode: z.string().length(2),
    partyId: z.string().length(3),
    sessionId: z.string(),
    status: z.string(),
    kwh: z.number(),
    authorizationReference: z.string().nullable(),
    session: z.record(z.string(), z.unknown()),
    lastUpdated: timestamp,
  }),
} as const;

export type OcpiSessionEvent = EventsOf<typeof ocpiSessionEventSchemas>;
export const ocpiSessionEventCodec = zodEventCodec(ocpiSessionEventSchemas);

interface Owner {
  sessionRef: string;
  partyRef: string;
  countryCode: string;
  partyId: string;
}

export type OcpiSessionState =
  { status: 'empty' } | ({ status: 'stored'; session: OcpiSessionObject } & Owner);

export type OcpiSessionCommand = { now: string } & (
  | ({ type: 'PutSession'; session: OcpiSessionObject } & Owner)
  | { type: 'PatchSession'; patch: Record<string, unknown> & { last_updated: string } }
);

const utc = (value: string) => new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString();

const stored = (owner: Owner, session: OcpiSessionObject): OcpiSessionEvent[] => [
  {
    type: 'OcpiSessionStored',
    data: {
      ...owner,
      sessionId: session.id,
      status: session.status,
      kwh: session.kwh,
      authorizationReference: session.authorization_reference ?? null,
      session,
      lastUpdated: utc(session.last_updated),
    },
  },
];

/** PUT replaces, PATCH merges; an older last_updated than the one stored changes nothing. */
export const decideOcpiSession = (
  command: OcpiSessionCommand,
  state: OcpiSessionState,
): OcpiSessionEvent[] => {
  if (command.type === 'PutSession') {
    const { type: _type, now: _now, session, ...owner } = command;
    if (state.status === 'stored') {
      if (utc(session.last_updated) < utc(state.session.last_updated)) return [];
      if (isDeepStrictEqual(session, state.session)) return [];
    }
    return stored(owner, session);
  }
  if (state.status !== 'stored') throw notFound('ocpi_session_not_found', 'no such session');
  if (utc(command.patch.last_updated) < utc(state.session.last_updated)) return [];
  const { session, status: _status, ...owner } = state;
  return stored(owner, { ...session, ...command.patch } as OcpiSessionObject);
};

export const ocpiSessionDecider: Decider<OcpiSessionState, OcpiSessionCommand, OcpiSessionEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideOcpiSession,
  evolve: (_state, event) => {
    const { sessionRef, partyRef, countryCode, partyId, session } = event.data;
    return {
      status: 'stored',
      sessionRef,
      partyRef,
      countryCode,
      partyId,
      session: session as OcpiSessionObject,
    };
  },
};
