import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

/** A CPO's Location as OCPI carries it (snake_case, validated against the official description on the way in). */
export type OcpiLocationObject = Record<string, unknown> & {
  id: string;
  last_updated: string;
  evses?: (Record<string, unknown> & {
    uid: string;
    status: string;
    connectors: Record<string, unknown>[];
  })[];
};

export const ocpiLocationEventSchemas = {
  /** The whole Location after a push (PUT or PATCH) or a pull, so a reader never needs the previous one. */
  OcpiLocationStored: z.object({
    locationRef: z.string(),
    partyRef: z.string(),
    countryCode: z.string().length(2),
    partyId: z.string().length(3),
    locationId: z.string(),
    location: z.record(z.string(), z.unknown()),
    lastUpdated: timestamp,
    source: z.enum(['put', 'patch', 'pull']),
  }),
  /** An EVSE's status as the CPO reports it: what charging infrastructure's connectors follow. */
  OcpiEvseStatusChanged: z.object({
    locationRef: z.string(),
    evseUid: z.string(),
    status: z.string(),
    previousStatus: z.string().nullable(),
    lastUpdated: timestamp,
  }),
} as const;

export type OcpiLocationEvent = EventsOf<typeof ocpiLocationEventSchemas>;
export const ocpiLocationEventCodec = zodEventCodec(ocpiLocationEventSchemas);
