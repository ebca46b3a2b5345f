import type { OcppConnectorStatus } from '../../station-adapter';
import type { LongshipSession, LongshipSessionStatus } from '../longship-api';

/** How the simulated charge points answer remote commands; tests change it between cases. */
export interface LongshipBehaviour {
  /** `never` leaves the start message pending for ever (a charge point that does not answer). */
  startConfirm: 'accept' | 'reject' | 'never';
  /** From the remote start request to the message's final status. */
  startConfirmDelayMs: number;
  stopConfirmDelayMs: number;
  /** A second start on a connector within this time of the last one is rejected. */
  busyWindowMs: number;
  /** Power while charging: energy grows by this much. */
  powerKw: number;
  /** 0: no periodic SessionUpdate pushes. */
  sessionUpdateIntervalMs: number;
}

export const DEFAULT_LONGSHIP_BEHAVIOUR: LongshipBehaviour = {
  startConfirm: 'accept',
  startConfirmDelayMs: 50,
  stopConfirmDelayMs: 50,
  busyWindowMs: 60_000,
  powerKw: 22,
  sessionUpdateIntervalMs: 0,
};

export interface SimulatedConnector {
  status: OcppConnectorStatus;
  statusUpdated: string;
  lastStartAt: number | null;
  meterWh: number;
}

export interface SimulatedChargePoint {
  id: string;
  connectivity: 'ONLINE' | 'OFFLINE';
  connectivityUpdated: string;
  connectors: Map<number, SimulatedConnector>;
}

export interface SimulatedLongshipSession {
  id: string;
  chargePointId: string;
  connectorNumber: number;
  idTag: string;
  transactionId: number;
  status: LongshipSessionStatus;
  startedAtMs: number;
  stoppedAtMs: number | null;
  meterStartInWh: number;
  powerKw: number;
}

export interface SimulatedMessage {
  messageId: string;
  chargePointId: string;
  type: 'RemoteStartTransaction' | 'RemoteStopTransaction';
  status: 'Pending' | 'Accepted' | 'Rejected';
}

export const energyWhOf = (session: SimulatedLongshipSession, nowMs: number): number => {
  const until = session.stoppedAtMs ?? nowMs;
  return Math.floor((session.powerKw * 1000 * Math.max(0, until - session.startedAtMs)) / 3_600_000);
};

export const sessionView = (session: SimulatedLongshipSession, nowMs: number): LongshipSession => {
  const energyWh = energyWhOf(session, nowMs);
  return {
    id: session.id,
    chargePointId: session.chargePointId,
    connectorNumber: session.connectorNumber,
    idTag: session.idTag,
    transactionId: session.transactionId,
    status: session.status,
    start: new Date(session.startedAtMs).toISOString(),
    stop: session.stoppedAtMs === null ? null : new Date(session.stoppedAtMs).toISOString(),
    meterStartInWh: session.meterStartInWh,
    meterStopInWh: session.stoppedAtMs === null ? null : session.meterStartInWh + energyWh,
    totalEnergyInKwh: energyWh / 1000,
  };
};
