import type { MappedConnector } from '../../domain/station-mapping/station-mapping.events';
import type { MappedAdapterType } from '../../integrations/cpms/station-adapter';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export const STATION_MAPPINGS_COLLECTION = 'station_mappings';

export interface StationMappingDocument extends StoredDocument {
  id: string;
  object: 'station_mapping';
  merchantId: string;
  stationId: string;
  adapterType: MappedAdapterType;
  chargePointId: string;
  locationId: string | null;
  connectors: MappedConnector[];
  createdAt: string;
  updatedAt: string;
  version: number;
}
