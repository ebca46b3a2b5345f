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

/** The mapping no longer names this connector. */
export interface RetireConnector {
  type: 'RetireConnector';
  now: string;
}

export type ConnectorStatusCommand = RecordConnectorStatus | RetireConnector;

export type ConnectorStatusState =
  { status: 'unknown' } | { status: 'known'; latest: ConnectorStatusChangedData };

export const initialConnectorStatusState = (): ConnectorStatusState => ({ status: 'unknown' });

/** A retired connector starts afresh if it is mapped again: its old observation times no longer guard. */
export const evolveConnectorStatus = (
  _state: ConnectorStatusState,
  event: ConnectorStatusEvent,
): ConnectorStatusState =>
  event.type === 'ConnectorStatusChanged' ? { status: 'known', latest: event.data } : { status: 'unknown' };

const retire = (command: RetireConnector, state: ConnectorStatusState): ConnectorStatusEvent[] => {
  if (state.status !== 'known') return [];
  const { merchantId, adapterType, chargePointId, connectorNumber } = state.latest;
  return [
    {
      type: 'ConnectorStatusRetired',
      data: { merchantId, adapterType, chargePointId, connectorNumber, retiredAt: command.now },
    },
  ];
};

/**
 * Source time decides, never arrival order: an observation no newer than the latest recorded one is
 * ignored (pushes arrive out of order and polls overlap them). A push is recorded whenever it is newer,
 * even with the status already known: the CPMS pushes changes, so A@10, A@20 means it went A -> ? -> A,
 * and A@20 must be on record to outrank a late C@15. A poll that finds nothing new records nothing (it
 * would be an event per connector per poll); a late push older than it can then win until the next poll.
 */
const record = (command: RecordConnectorStatus, state: ConnectorStatusState): ConnectorStatusEvent[] => {
  const { observation } = command;
  const latest = state.status === 'known' ? state.latest : undefined;
  if (latest && Date.parse(observation.observedAt) <= Date.parse(latest.observedAt)) return [];
  const connectivity = observation.connectivity ?? latest?.connectivity ?? null;
  const mappingChanged =
    latest !== undefined &&
    (latest.stationId !== observation.stationId || latest.connectorId !== observation.connectorId);
  const unchanged =
    latest !== undefined &&
    !mappingChanged &&
    latest.status === observation.status &&
    latest.connectivity === connectivity;
  if (unchanged && observation.source === 'poll') return [];
  return [
    { type: 'ConnectorStatusChanged', data: { ...observation, connectivity, recordedAt: command.now } },
  ];
};

export const decideConnectorStatus = (
  command: ConnectorStatusCommand,
  state: ConnectorStatusState,
): ConnectorStatusEvent[] =>
  command.type === 'RecordConnectorStatus' ? record(command, state) : retire(command, state);

export const connectorStatusDecider: Decider<
  ConnectorStatusState,
  ConnectorStatusCommand,
  ConnectorStatusEvent
> = {
  initialState: initialConnectorStatusState,
  decide: decideConnectorStatus,
  evolve: evolveConnectorStatus,
};
