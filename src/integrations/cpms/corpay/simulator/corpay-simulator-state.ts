import type { CpmsSessionStatus } from '../../../../domain/charge-session/charge-session.events';

export interface CorpayBehaviour {
  /** `fail`: WAITING_TO_START then FAILED; `never`: WAITING_TO_START for ever; `refuse`: 422 at once. */
  start: 'accept' | 'fail' | 'never' | 'refuse';
  /** From WAITING_TO_START to STARTED (up to 2 minutes in the field). */
  startConfirmDelayMs: number;
  /** `fail`: WAITING_TO_STOP then STOP_FAILED, and the session keeps running. */
  stop: 'accept' | 'fail';
  /** From WAITING_TO_STOP to STOPPED (or STOP_FAILED); COMPLETE follows after the same time. */
  stopDelayMs: number;
  /** A second start on a connector within this time of the last one is refused. */
  busyWindowMs: number;
  powerKw: number;
  /** Price per kWh in minor units, for the session's price and balance. */
  pricePerKwhMinor: number;
}

export const DEFAULT_CORPAY_BEHAVIOUR: CorpayBehaviour = {
  start: 'accept',
  startConfirmDelayMs: 100,
  stop: 'accept',
  stopDelayMs: 50,
  busyWindowMs: 60_000,
  powerKw: 22,
  pricePerKwhMinor: 850,
};

export interface SimulatedCorpaySession {
  /** The id the start answered and GET /sessions/{id} takes (base64, as in the seed). */
  sessionId: string;
  /** The session object's own id. */
  id: string;
  connectorId: string;
  keyIdentifier: string;
  status: CpmsSessionStatus;
  startedAtMs: number | null;
  stoppedAtMs: number | null;
  powerKw: number;
}

const isoDuration = (ms: number): string => `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;

export const corpayEnergyWh = (session: SimulatedCorpaySession, nowMs: number): number => {
  if (session.startedAtMs === null) return 0;
  const until = session.stoppedAtMs ?? nowMs;
  return Math.floor((session.powerKw * 1000 * Math.max(0, until - session.startedAtMs)) / 3_600_000);
};

/** The seed's session object (the fields the material names), as GET /sessions/{id} answers it. */
export const corpaySessionView = (
  session: SimulatedCorpaySession,
  nowMs: number,
  behaviour: CorpayBehaviour,
) => {
  const energyWh = corpayEnergyWh(session, nowMs);
  const priceMinor = Math.round((energyWh / 1000) * behaviour.pricePerKwhMinor);
  const finished = session.status === 'COMPLETE';
  return {
    sessionId: session.sessionId,
    session: {
      id: session.id,
      sessionStatus: session.status,
      transactions: [{ balance: String(finished ? 0 : -priceMinor), paymentMethod: 'EXTERNAL' }],
      balanceStatus: finished ? 'PAID' : 'PROCESSING',
      ...(session.startedAtMs === null
        ? {}
        : {
            connector: { connectorId: session.connectorId },
            startedAt: new Date(session.startedAtMs).toISOString(),
            duration: isoDuration((session.stoppedAtMs ?? nowMs) - session.startedAtMs),
          }),
      authenticationMethod: 'virtual',
      energy: energyWh / 1000,
      paymentMethod: 'EXTERNAL',
      price: { value: priceMinor / 100, currency: 'TRY' },
      receiptAvailable: finished,
      siteName: 'EdgePay simulated site',
    },
  };
};
