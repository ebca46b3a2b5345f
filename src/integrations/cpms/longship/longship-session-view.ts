import type { CpmsSessionStatus } from '../../../domain/charge-session/charge-session.events';
import type { CpmsSessionView } from '../cpms-adapter';
import type { LongshipSession, LongshipSessionStatus } from './longship-api';

/** Longship's session status in the port's vocabulary (the Corpay/Drive one the charges use). */
export const LONGSHIP_TO_PORT_STATUS: Record<LongshipSessionStatus, CpmsSessionStatus> = {
  PENDING: 'WAITING_TO_START',
  ACTIVE: 'STARTED',
  COMPLETED: 'COMPLETE',
  INVALID: 'FAILED',
  // A reservation holds the connector for an idTag; no energy flows yet and it is not a started charge.
  RESERVATION: 'WAITING_TO_START',
};

/** Energy in Wh: the meter difference when the session has stopped, else Longship's running total. */
export const energyWhOf = (session: LongshipSession): number | undefined => {
  if (typeof session.meterStopInWh === 'number' && typeof session.meterStartInWh === 'number') {
    return Math.max(0, Math.round(session.meterStopInWh - session.meterStartInWh));
  }
  if (typeof session.totalEnergyInKwh === 'number')
    return Math.max(0, Math.round(session.totalEnergyInKwh * 1000));
  return undefined;
};

export const toSessionView = (session: LongshipSession): CpmsSessionView => {
  const energyWh = energyWhOf(session);
  return {
    cpmsSessionId: session.id,
    status: LONGSHIP_TO_PORT_STATUS[session.status],
    ...(energyWh === undefined ? {} : { energyWh }),
  };
};
