import {
  connectorStatusDecider,
  type RecordConnectorStatus,
} from '../../domain/connector-status/connector-status.decider';
import { connectorStatusEventCodec } from '../../domain/connector-status/connector-status.events';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

export interface ConnectorStatusServiceDeps {
  eventStore: EventStore;
  clock: Clock;
}

/** One stream per connector of a merchant's mapped charge point. */
export const connectorStatusIdFor = (
  merchantId: string,
  adapterType: string,
  chargePointId: string,
  connectorNumber: number,
): string => deterministicId('cs', merchantId, adapterType, chargePointId, String(connectorNumber));

export const connectorStatusAggregate = {
  decider: connectorStatusDecider,
  codec: connectorStatusEventCodec,
  streamName: (id: string) => `connector_status-${id}`,
};

export const connectorStatusService = (deps: ConnectorStatusServiceDeps) => {
  const handler = commandHandlerFor(deps.eventStore, connectorStatusAggregate);
  return {
    /** Records the observation unless a newer one is already known; true when it changed the connector. */
    async record(
      observation: RecordConnectorStatus['observation'],
      context: CommandContext,
    ): Promise<boolean> {
      const id = connectorStatusIdFor(
        observation.merchantId,
        observation.adapterType,
        observation.chargePointId,
        observation.connectorNumber,
      );
      const result = await handler.handle(
        id,
        { type: 'RecordConnectorStatus', now: deps.clock.now().toISOString(), observation },
        context,
      );
      return result.appended.length > 0;
    },

    /** Takes a connector the mapping no longer names out of the lists; nothing when it has no status. */
    async retire(
      connector: { merchantId: string; adapterType: string; chargePointId: string; connectorNumber: number },
      context: CommandContext,
    ): Promise<void> {
      const id = connectorStatusIdFor(
        connector.merchantId,
        connector.adapterType,
        connector.chargePointId,
        connector.connectorNumber,
      );
      await handler.handle(id, { type: 'RetireConnector', now: deps.clock.now().toISOString() }, context);
    },
  };
};

export type ConnectorStatusService = ReturnType<typeof connectorStatusService>;
