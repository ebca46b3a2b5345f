import { z } from 'zod';
import { OCPP_CONNECTOR_STATUSES, STATION_ADAPTER_TYPES } from '../../integrations/cpms/station-adapter';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

export const connectorStatusEventSchemas = {
  /**
   * A connector's status as the CPMS saw it at `observedAt` (its source time): a change, or a push newer
   * than the last one recorded (see the decider).
   */
  ConnectorStatusChanged: z.object({
    merchantId: z.string(),
    stationId: z.string(),
    /** Our connector id; null when the mapping does not name this connector number. */
    connectorId: z.string().nullable(),
    adapterType: z.enum(STATION_ADAPTER_TYPES),
    chargePointId: z.string(),
    connectorNumber: z.number().int().min(1),
    status: z.enum(OCPP_CONNECTOR_STATUSES),
    connectivity: z.enum(['online', 'offline']).nullable(),
    observedAt: timestamp,
    source: z.enum(['push', 'poll']),
    recordedAt: timestamp,
  }),
  /** The connector is no longer mapped (its mapping was deleted or points elsewhere): it leaves the lists. */
  ConnectorStatusRetired: z.object({
    merchantId: z.string(),
    adapterType: z.enum(STATION_ADAPTER_TYPES),
    chargePointId: z.string(),
    connectorNumber: z.number().int().min(1),
    retiredAt: timestamp,
  }),
} as const;

export type ConnectorStatusEvent = EventsOf<typeof connectorStatusEventSchemas>;
export type ConnectorStatusChangedData = Extract<
  ConnectorStatusEvent,
  { type: 'ConnectorStatusChanged' }
>['data'];

export const connectorStatusEventCodec = zodEventCodec(connectorStatusEventSchemas);
