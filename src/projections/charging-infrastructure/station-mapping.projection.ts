import { stationMappingEventCodec } from '../../domain/station-mapping/station-mapping.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { STATION_MAPPINGS_COLLECTION, type StationMappingDocument } from './station-mapping.document';

const STREAM_PREFIX = 'station_mapping-';

export const evolveStationMappingDocument = (
  doc: StationMappingDocument | null,
  recorded: RecordedEvent,
): StationMappingDocument | null => {
  const event = stationMappingEventCodec.decode(recorded);
  switch (event.type) {
    case 'StationMappingCreated': {
      const { mappingId, merchantId, stationId, definition, createdAt } = event.data;
      return {
        _id: mappingId,
        id: mappingId,
        object: 'station_mapping',
        merchantId,
        stationId,
        ...definition,
        createdAt,
        updatedAt: createdAt,
        version: recorded.revision + 1,
      };
    }
    case 'StationMappingUpdated':
      return (
        doc && {
          ...doc,
          ...event.data.definition,
          updatedAt: event.data.updatedAt,
          version: recorded.revision + 1,
        }
      );
    case 'StationMappingDeleted':
      return null;
  }
};

export const stationMappingProjection: Projection<StationMappingDocument> = {
  name: 'station-mappings',
  collection: STATION_MAPPINGS_COLLECTION,
  eventTypes: stationMappingEventCodec.eventTypes,
  documentId: (event) =>
    event.streamName.startsWith(STREAM_PREFIX) ? event.streamName.slice(STREAM_PREFIX.length) : null,
  evolve: evolveStationMappingDocument,
  indexes: [{ keys: { merchantId: 1, createdAt: -1 } }, { keys: { adapterType: 1, chargePointId: 1 } }],
};
