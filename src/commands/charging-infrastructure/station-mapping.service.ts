import { z } from 'zod';
import { invalid, notFound } from '../../domain/shared/domain-error';
import type { StationMappingCommand } from '../../domain/station-mapping/station-mapping.commands';
import { stationMappingDecider } from '../../domain/station-mapping/station-mapping.decider';
import {
  mappedConnectorSchema,
  stationMappingDefinitionSchema,
  stationMappingEventCodec,
  type StationMappingDefinition,
} from '../../domain/station-mapping/station-mapping.events';
import type { StationMappingState } from '../../domain/station-mapping/station-mapping.state';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { StationRoute } from '../../integrations/cpms/station-routing-cpms';
import type { StationMappingDocument } from '../../projections/charging-infrastructure/station-mapping.document';
import { evolveStationMappingDocument } from '../../projections/charging-infrastructure/station-mapping.projection';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import { commandHandlerFor, type CommandResult } from '../command-handler';
import type { ConnectorStatusService } from './connector-status.service';

export interface StationMappingServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  connectorStatuses: Pick<ConnectorStatusService, 'retire'>;
}

/**
 * A station is mapped once per merchant: the mapping's id, and so its stream, is derived from the
 * merchant and the case-folded station id, so a second mapping of the station meets the first one's
 * stream and the decider refuses it (the event store's expected revision settles a race).
 */
export const stationMappingIdFor = (merchantId: string, stationId: string): string =>
  deterministicId('sm', merchantId, stationId.toLowerCase());
export const stationMappingStreamName = (mappingId: string): string => `station_mapping-${mappingId}`;

export const stationMappingAggregate = {
  decider: stationMappingDecider,
  codec: stationMappingEventCodec,
  streamName: stationMappingStreamName,
  view: evolveStationMappingDocument,
};

const connectorInput = mappedConnectorSchema.extend({
  cpmsConnectorId: mappedConnectorSchema.shape.cpmsConnectorId.optional(),
  evseUid: mappedConnectorSchema.shape.evseUid.optional(),
});
const definitionInput = stationMappingDefinitionSchema.extend({
  locationId: stationMappingDefinitionSchema.shape.locationId.optional(),
  connectors: z.array(connectorInput).min(1).max(50),
});
const createInput = definitionInput.extend({ stationId: z.string().min(1).max(64) });
const updateInput = definitionInput.partial();

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw invalid('invalid_station_mapping', `${param ?? 'mapping'}: ${issue?.message ?? 'is invalid'}`, param);
};

const normalizeConnectors = (
  connectors: z.infer<typeof connectorInput>[],
): StationMappingDefinition['connectors'] =>
  connectors.map((connector) => ({
    connectorId: connector.connectorId,
    connectorNumber: connector.connectorNumber,
    cpmsConnectorId: connector.cpmsConnectorId ?? null,
    evseUid: connector.evseUid ?? null,
  }));

type Result = CommandResult<StationMappingState, StationMappingDocument>;

/** The CPMS connectors a mapping state names, each as the key of its connector status stream. */
const cpmsConnectorsOf = (state: StationMappingState) =>
  state.status !== 'active'
    ? []
    : state.definition.connectors.map(({ connectorNumber }) => ({
        merchantId: state.merchantId,
        adapterType: state.definition.adapterType,
        chargePointId: state.definition.chargePointId,
        connectorNumber,
      }));

const sameConnector = (a: ReturnType<typeof cpmsConnectorsOf>[number], b: typeof a) =>
  a.adapterType === b.adapterType &&
  a.chargePointId === b.chargePointId &&
  a.connectorNumber === b.connectorNumber;

export const stationMappingService = (deps: StationMappingServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const handler = commandHandlerFor(deps.eventStore, stationMappingAggregate);
  /** Another merchant's mapping is as absent as one never created. */
  const ownedBy = (scope: AccessScope) => (state: StationMappingState) => {
    if (state.status === 'empty' || state.merchantId !== scope.merchantId)
      throw notFound('station_mapping_not_found', 'no such station mapping');
  };
  const ifMatch = (expectedVersion: number | undefined) =>
    expectedVersion === undefined ? {} : { expectedVersion };

  /**
   * Runs a change and then retires the statuses of the connectors it unmapped, so lists and summaries
   * show only mapped connectors. The state the decision was made on is the one the guard saw last (a
   * lost race loads and guards again). A crash between the two leaves a stale status listed until the
   * next change of that mapping; it never affects a charge.
   */
  const changeAndRetire = async (
    id: string,
    command: StationMappingCommand,
    scope: AccessScope,
    context: CommandContext,
    expectedVersion: number | undefined,
  ): Promise<Result> => {
    let decidedOn = { status: 'empty' } as StationMappingState;
    const guard = (state: StationMappingState) => {
      ownedBy(scope)(state);
      decidedOn = state;
    };
    const result = await handler.handle(id, command, context, { guard, ...ifMatch(expectedVersion) });
    if (result.appended.length === 0) return result;
    const kept = cpmsConnectorsOf(result.state);
    for (const connector of cpmsConnectorsOf(decidedOn)) {
      if (!kept.some((other) => sameConnector(connector, other)))
        await deps.connectorStatuses.retire(connector, context);
    }
    return result;
  };

  return {
    create(body: unknown, scope: AccessScope, context: CommandContext): Promise<Result> {
      const input = parse(createInput, body);
      const mappingId = stationMappingIdFor(scope.merchantId, input.stationId);
      const command: StationMappingCommand = {
        type: 'CreateStationMapping',
        now: now(),
        mappingId,
        merchantId: scope.merchantId,
        stationId: input.stationId,
        definition: {
          adapterType: input.adapterType,
          chargePointId: input.chargePointId,
          locationId: input.locationId ?? null,
          connectors: normalizeConnectors(input.connectors),
        },
      };
      return handler.handle(mappingId, command, context);
    },

    update(id: string, body: unknown, scope: AccessScope, context: CommandContext, expectedVersion?: number) {
      const input = parse(updateInput, body);
      const { connectors, ...rest } = input;
      const changes: Partial<StationMappingDefinition> = {
        ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
        ...(connectors ? { connectors: normalizeConnectors(connectors) } : {}),
      };
      return changeAndRetire(
        id,
        { type: 'UpdateStationMapping', now: now(), changes },
        scope,
        context,
        expectedVersion,
      );
    },

    delete(id: string, scope: AccessScope, context: CommandContext, expectedVersion?: number) {
      return changeAndRetire(
        id,
        { type: 'DeleteStationMapping', now: now() },
        scope,
        context,
        expectedVersion,
      );
    },

    /** The merchant's active mapping, from its stream. */
    async find(id: string, scope: AccessScope): Promise<Extract<StationMappingState, { status: 'active' }>> {
      const { state } = await handler.load(id);
      if (state.status !== 'active' || state.merchantId !== scope.merchantId)
        throw notFound('station_mapping_not_found', 'no such station mapping');
      return state;
    },

    /** Where a charge on this station and connector is sent, decided from the mapping's stream. */
    async routeOf(merchantId: string, stationId: string, connectorId: string): Promise<StationRoute> {
      const { state } = await handler.load(stationMappingIdFor(merchantId, stationId));
      if (state.status !== 'active') return { kind: 'unmapped' };
      const { adapterType, chargePointId, locationId, connectors } = state.definition;
      const connector = connectors.find((candidate) => candidate.connectorId === connectorId);
      if (!connector) return { kind: 'connector_not_mapped', adapterType };
      return {
        kind: 'mapped',
        adapterType,
        target: {
          chargePointId,
          connectorNumber: connector.connectorNumber,
          ...(connector.cpmsConnectorId ? { cpmsConnectorId: connector.cpmsConnectorId } : {}),
          ...(locationId ? { locationId } : {}),
          ...(connector.evseUid ? { evseUid: connector.evseUid } : {}),
        },
      };
    },
  };
};

export type StationMappingService = ReturnType<typeof stationMappingService>;
