import type { StationMappingDefinition, StationMappingEvent } from './station-mapping.events';

interface Identity {
  mappingId: string;
  merchantId: string;
  stationId: string;
}

/** A deleted mapping frees its station: the same station may be mapped again, on the same stream. */
export type StationMappingState =
  | { status: 'empty' }
  | ({ status: 'active'; definition: StationMappingDefinition } & Identity)
  | ({ status: 'deleted' } & Identity);

export const initialStationMappingState = (): StationMappingState => ({ status: 'empty' });

export const evolveStationMapping = (
  state: StationMappingState,
  event: StationMappingEvent,
): StationMappingState => {
  switch (event.type) {
    case 'StationMappingCreated': {
      const { mappingId, merchantId, stationId, definition } = event.data;
      return { status: 'active', mappingId, merchantId, stationId, definition };
    }
    case 'StationMappingUpdated':
      return state.status === 'empty'
        ? state
        : { ...state, status: 'active', definition: event.data.definition };
    case 'StationMappingDeleted':
      return state.status === 'empty'
        ? state
        : {
            status: 'deleted',
            mappingId: state.mappingId,
            merchantId: state.merchantId,
            stationId: state.stationId,
          };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown station mapping event ${JSON.stringify(unreachable)}`);
    }
  }
};
