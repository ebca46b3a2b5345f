import { z } from 'zod';
import { MAPPED_ADAPTER_TYPES } from '../../integrations/cpms/station-adapter';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();
const cpmsId = z.string().min(1).max(128);

export const mappedConnectorSchema = z.object({
  /** Our connector id, as charges name it. */
  connectorId: z.string().min(1).max(36),
  connectorNumber: z.number().int().min(1).max(99),
  cpmsConnectorId: cpmsId.nullable(),
  evseUid: cpmsId.nullable(),
});
export type MappedConnector = z.infer<typeof mappedConnectorSchema>;

/** Where a station lives in its CPMS: the whole definition, so a reader never needs an earlier event. */
export const stationMappingDefinitionSchema = z.object({
  adapterType: z.enum(MAPPED_ADAPTER_TYPES),
  chargePointId: cpmsId,
  locationId: cpmsId.nullable(),
  connectors: z.array(mappedConnectorSchema).min(1).max(50),
});
export type StationMappingDefinition = z.infer<typeof stationMappingDefinitionSchema>;

export const stationMappingEventSchemas = {
  StationMappingCreated: z.object({
    mappingId: z.string(),
    merchantId: z.string(),
    stationId: z.string(),
    definition: stationMappingDefinitionSchema,
    createdAt: timestamp,
  }),
  StationMappingUpdated: z.object({
    mappingId: z.string(),
    definition: stationMappingDefinitionSchema,
    updatedAt: timestamp,
  }),
  StationMappingDeleted: z.object({
    mappingId: z.string(),
    deletedAt: timestamp,
  }),
} as const;

export type StationMappingEvent = EventsOf<typeof stationMappingEventSchemas>;
export type StationMappingEventType = StationMappingEvent['type'];

export const stationMappingEventCodec = zodEventCodec(stationMappingEventSchemas);
