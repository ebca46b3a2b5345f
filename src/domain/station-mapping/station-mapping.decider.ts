import { isDeepStrictEqual } from 'node:util';
import type { Decider } from '../shared/decider';
import { conflict, invalid, notFound } from '../shared/domain-error';
import type {
  CreateStationMapping,
  DeleteStationMapping,
  StationMappingCommand,
  UpdateStationMapping,
} from './station-mapping.commands';
import type { StationMappingDefinition, StationMappingEvent } from './station-mapping.events';
import {
  evolveStationMapping,
  initialStationMappingState,
  type StationMappingState,
} from './station-mapping.state';

const duplicateOf = (values: readonly (string | number)[]): string | number | undefined =>
  values.find((value, index) => values.indexOf(value) !== index);

/**
 * What the schema cannot say: a connector is named once, by our id and by its number on the charge point,
 * and a Corpay connector carries Corpay's connector id.
 */
const checkConnectors = (definition: StationMappingDefinition): StationMappingDefinition => {
  const connectorId = duplicateOf(definition.connectors.map((connector) => connector.connectorId));
  if (connectorId !== undefined)
    throw invalid(
      'duplicate_connector',
      `connectors: connectorId ${connectorId} is mapped twice`,
      'connectors',
    );
  const number = duplicateOf(definition.connectors.map((connector) => connector.connectorNumber));
  if (number !== undefined)
    throw invalid(
      'duplicate_connector',
      `connectors: connectorNumber ${number} is mapped twice`,
      'connectors',
    );
  // Corpay starts a session by its own connector id: without it every start would be refused at the CPMS.
  const unnamed = definition.connectors.find((connector) => !connector.cpmsConnectorId);
  if (definition.adapterType === 'corpay' && unnamed)
    throw invalid(
      'cpms_connector_id_required',
      `connectors: a corpay mapping needs cpmsConnectorId for every connector (${unnamed.connectorId} has none)`,
      'connectors',
    );
  return definition;
};

const create = (command: CreateStationMapping, state: StationMappingState): StationMappingEvent[] => {
  if (state.status === 'active')
    throw conflict(
      'station_already_mapped',
      `station ${state.stationId} is already mapped (${state.mappingId})`,
    );
  const { mappingId, merchantId, stationId, now } = command;
  return [
    {
      type: 'StationMappingCreated',
      data: {
        mappingId,
        merchantId,
        stationId,
        definition: checkConnectors(command.definition),
        createdAt: now,
      },
    },
  ];
};

const update = (command: UpdateStationMapping, state: StationMappingState): StationMappingEvent[] => {
  if (state.status !== 'active') throw notFound('station_mapping_not_found', 'no such station mapping');
  const definition = checkConnectors({ ...state.definition, ...command.changes });
  if (isDeepStrictEqual(definition, state.definition)) return [];
  return [
    {
      type: 'StationMappingUpdated',
      data: { mappingId: state.mappingId, definition, updatedAt: command.now },
    },
  ];
};

const remove = (command: DeleteStationMapping, state: StationMappingState): StationMappingEvent[] => {
  if (state.status !== 'active') throw notFound('station_mapping_not_found', 'no such station mapping');
  return [{ type: 'StationMappingDeleted', data: { mappingId: state.mappingId, deletedAt: command.now } }];
};

export const decideStationMapping = (
  command: StationMappingCommand,
  state: StationMappingState,
): StationMappingEvent[] => {
  switch (command.type) {
    case 'CreateStationMapping':
      return create(command, state);
    case 'UpdateStationMapping':
      return update(command, state);
    case 'DeleteStationMapping':
      return remove(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown station mapping command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const stationMappingDecider: Decider<StationMappingState, StationMappingCommand, StationMappingEvent> =
  {
    initialState: initialStationMappingState,
    decide: decideStationMapping,
    evolve: evolveStationMapping,
  };
