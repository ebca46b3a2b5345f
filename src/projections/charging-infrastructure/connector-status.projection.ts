import { connectorStatusEventCodec } from '../../domain/connector-status/connector-status.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { CONNECTOR_STATUSES_COLLECTION, type ConnectorStatusDocument } from './connector-status.document';

const STREAM_PREFIX = 'connector_status-';

export const evolveConnectorStatusDocument = (
  _doc: ConnectorStatusDocument | null,
  recorded: RecordedEvent,
): ConnectorStatusDocument | null => {
  const event = connectorStatusEventCodec.decode(recorded);
  if (event.type === 'ConnectorStatusRetired') return null;
  const { data } = event;
  return {
    _id: recorded.streamName.slice(STREAM_PREFIX.length),
    object: 'connector_status',
    merchantId: data.merchantId,
    stationId: data.stationId,
    connectorId: data.connectorId,
    adapterType: data.adapterType,
    chargePointId: data.chargePointId,
    connectorNumber: data.connectorNumber,
    status: data.status,
    connectivity: data.connectivity,
    observedAt: data.observedAt,
    source: data.source,
    updatedAt: data.recordedAt,
  };
};

export const connectorStatusProjection: Projection<ConnectorStatusDocument> = {
  name: 'connector-statuses',
  collection: CONNECTOR_STATUSES_COLLECTION,
  eventTypes: connectorStatusEventCodec.eventTypes,
  documentId: (event) =>
    event.streamName.startsWith(STREAM_PREFIX) ? event.streamName.slice(STREAM_PREFIX.length) : null,
  evolve: evolveConnectorStatusDocument,
  indexes: [{ keys: { merchantId: 1, _id: 1 } }],
};
