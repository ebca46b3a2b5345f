import type { Decider } from '../shared/decider';
import type { ConnectorStatusChangedData, ConnectorStatusEvent } from './connector-status.events';

export interface RecordConnectorStatus {
  type: 'RecordConnectorStatus';
  now: string;
  observation: Omit<ConnectorStatusChangedData, 'recordedAt' | 'connectivity'> & {
    /** Absent when the CPMS said nothing about connectivity: the last known one stays. */
    connectivity?: 'online' | 'offline';
  };
}

export type ConnectorStatusState =
  { status: 'unknown' } | { status: 'known'; latest: ConnectorStatusChangedData };

export const initialConnectorStatusState = (): ConnectorStatusState => ({ status: 'unknown' });

export const evolveConnectorStatus = (
  _state: ConnectorStatusState,
  event: ConnectorStatusEvent,
): ConnectorStatusState => ({ status: 'known', latest: event.data });

/**
 * Source time decides, never arrival order: an observation no newer than the latest recorded one is
 * ignored (pushes arrive out of order and polls overlap them). Only a change is an event; a newer
 * observation of the same status and connectivity records nothing.
 */
export const decideConnectorStatus = (
  command: RecordConnectorStatus,
  state: ConnectorStatusState,
): ConnectorStatusEvent[] => {
  const { observation } = command;
  const latest = state.status === 'known' ? state.latest : undefined;
  if (latest && Date.parse(observation.observedAt) <= Date.parse(latest.observedAt)) return [];
  const connectivity = observation.connectivity ?? latest?.connectivity ?? null;
  const mappingChanged =
    latest !== undefined &&
    (latest.stationId !== observation.stationId || latest.connectorId !== observation.connectorId);
  if (
    latest &&
    !mappingChanged &&
    latest.status === observation.status &&
    latest.connectivity === connectivity
  )
    return [];
  return [
    { type: 'ConnectorStatusChanged', data: { ...observation, connectivity, recordedAt: command.now } },
  ];
};

export const connectorStatusDecider: Decider<
  ConnectorStatusState,
  RecordConnectorStatus,
  ConnectorStatusEvent
> = {
  initialState: initialConnectorStatusState,
  decide: decideConnectorStatus,
  evolve: evolveConnectorStatus,
};
