import type { StationMappingDefinition } from './station-mapping.events';

interface CommandBase {
  now: string;
}

export interface CreateStationMapping extends CommandBase {
  type: 'CreateStationMapping';
  mappingId: string;
  merchantId: string;
  stationId: string;
  definition: StationMappingDefinition;
}

/** The fields given replace the current ones; the rest stay. */
export interface UpdateStationMapping extends CommandBase {
  type: 'UpdateStationMapping';
  changes: Partial<StationMappingDefinition>;
}

export interface DeleteStationMapping extends CommandBase {
  type: 'DeleteStationMapping';
}

export type StationMappingCommand = CreateStationMapping | UpdateStationMapping | DeleteStationMapping;
