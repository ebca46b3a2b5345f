import type { OcppConnectorStatus, StationAdapterType } from '../../integrations/cpms/station-adapter';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export const CONNECTOR_STATUSES_COLLECTION = 'connector_statuses';

export interface ConnectorStatusDocument extends StoredDocument {
  object: 'connector_status';
  merchantId: string;
  stationId: string;
  connectorId: string | null;
  adapterType: StationAdapterType;
  chargePointId: string;
  connectorNumber: number;
  status: OcppConnectorStatus;
  connectivity: 'online' | 'offline' | null;
  /** The CPMS's time of the status shown. */
  observedAt: string;
  source: 'push' | 'poll';
  updatedAt: string;
}
