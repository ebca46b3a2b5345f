import { stationMappingDecider } from '../../../src/domain/station-mapping/station-mapping.decider';
import type {
  StationMappingDefinition,
  StationMappingEvent,
} from '../../../src/domain/station-mapping/station-mapping.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(stationMappingDecider);
const T0 = '2026-11-27T08:00:00.000Z';
const T1 = '2026-11-27T09:00:00.000Z';

const definition: StationMappingDefinition = {
  adapterType: 'longship',
  chargePointId: 'CP-1',
  locationId: null,
  connectors: [{ connectorId: '1', connectorNumber: 1, cpmsConnectorId: null, evseUid: null }],
};
const create = (def = definition) =>
  ({
    type: 'CreateStationMapping',
    now: T0,
    mappingId: 'sm_1',
    merchantId: 'mer_1',
    stationId: 'IST-1',
    definition: def,
  }) as const;
const created: StationMappingEvent = {
  type: 'StationMappingCreated',
  data: { mappingId: 'sm_1', merchantId: 'mer_1', stationId: 'IST-1', definition, createdAt: T0 },
};
const deleted: StationMappingEvent = {
  type: 'StationMappingDeleted',
  data: { mappingId: 'sm_1', deletedAt: T1 },
};

describe('station mapping decider', () => {
  it('maps a station once; a deleted mapping frees it', () => {
    given([]).when(create()).then([created]);
    given([created]).when(create()).thenRefuses('station_already_mapped', 'conflict');
    given([created, deleted]).when(create()).then([created]);
  });

  it('refuses a connector named twice, by our id or by its number', () => {
    const twice = (connectors: StationMappingDefinition['connectors']) =>
      create({ ...definition, connectors });
    const one = definition.connectors[0]!;
    given([])
      .when(twice([one, { ...one, connectorId: '2' }]))
      .thenRefuses('duplicate_connector', 'invalid');
    given([])
      .when(twice([one, { ...one, connectorNumber: 2 }]))
      .thenRefuses('duplicate_connector', 'invalid');
  });

  it("refuses a corpay mapping, created or changed to, without Corpay's connector id", () => {
    const corpay = { ...definition, adapterType: 'corpay' as const };
    given([]).when(create(corpay)).thenRefuses('cpms_connector_id_required', 'invalid');
    given([created])
      .when({ type: 'UpdateStationMapping', now: T1, changes: { adapterType: 'corpay' } })
      .thenRefuses('cpms_connector_id_required', 'invalid');
    const named = {
      ...corpay,
      connectors: [{ ...definition.connectors[0]!, cpmsConnectorId: 'CORPAY-CONN-1' }],
    };
    given([])
      .when(create(named))
      .then([{ ...created, data: { ...created.data, definition: named } }] as never);
  });

  it('records a change as the whole new definition, and nothing for no change', () => {
    given([created])
      .when({ type: 'UpdateStationMapping', now: T1, changes: { chargePointId: 'CP-2' } })
      .then([
        {
          type: 'StationMappingUpdated',
          data: { mappingId: 'sm_1', definition: { ...definition, chargePointId: 'CP-2' }, updatedAt: T1 },
        },
      ]);
    given([created])
      .when({ type: 'UpdateStationMapping', now: T1, changes: { chargePointId: 'CP-1' } })
      .then([]);
  });

  it('neither changes nor deletes what does not exist', () => {
    given([])
      .when({ type: 'UpdateStationMapping', now: T1, changes: {} })
      .thenRefuses('station_mapping_not_found');
    given([created, deleted])
      .when({ type: 'DeleteStationMapping', now: T1 })
      .thenRefuses('station_mapping_not_found');
    given([created]).when({ type: 'DeleteStationMapping', now: T1 }).then([deleted]);
  });
});
