import { ocpiLocationEventCodec } from '../../domain/ocpi-location/ocpi-location.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** A CPO's Location as last pushed or pulled, under the party that owns it. */
export interface OcpiLocationDocument extends StoredDocument {
  partyRef: string;
  countryCode: string;
  partyId: string;
  locationId: string;
  location: Record<string, unknown>;
  lastUpdated: string;
}

export const evolveOcpiLocationDocument = (
  doc: OcpiLocationDocument | null,
  recorded: RecordedEvent,
): OcpiLocationDocument | null => {
  const event = ocpiLocationEventCodec.decode(recorded);
  if (event.type !== 'OcpiLocationStored') return doc;
  const { locationRef, partyRef, countryCode, partyId, locationId, location, lastUpdated } = event.data;
  return { _id: locationRef, partyRef, countryCode, partyId, locationId, location, lastUpdated };
};

export const ocpiLocationProjection: Projection<OcpiLocationDocument> = {
  name: 'ocpi_locations',
  collection: 'ocpi_locations',
  eventTypes: ['OcpiLocationStored'],
  documentId: (event) => (event.data as { locationRef?: string }).locationRef ?? null,
  evolve: evolveOcpiLocationDocument,
  indexes: [{ keys: { partyRef: 1, lastUpdated: 1 } }],
};
