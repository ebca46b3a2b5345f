import type { ChargeCpmsRoute, CpmsSessionStatus } from '../../domain/charge-session/charge-session.events';

/**
 * The CPMS port: what the gateway needs from a charge point management system. Adapters: the HTTP
 * simulator (embedded default); Longship/Corpay and OCPI come later and speak the same vocabulary.
 *
 * Calls carry the charge id as the CPMS-side reference, so a repeated start or stop (a retried job, a
 * restarted worker) names the same session and the CPMS can recognise it. Transport failures throw
 * CpmsUnavailableError; the job queue retries them. An answer of "no" is a result, not an error.
 */
export interface StartSessionRequest {
  chargeId: string;
  /** Whose station: a station id is the merchant's own, so routing needs both. */
  merchantId: string;
  stationId: string;
  connectorId: string;
  evseId: string | null;
}

export type StartSessionResult =
  | {
      outcome: 'accepted';
      cpmsSessionId: string | null;
      /** Set by station routing: the mapped adapter and ids the session runs on, for its later calls. */
      route?: ChargeCpmsRoute;
    }
  | {
      outcome: 'refused';
      reason: string;
      /** The CPMS took the command but did not confirm it: the charger may still start the session. */
      startMayFollow?: boolean;
    };

/** A call about a session already started: what routing needs (where) and what the CPMS needs (which). */
export interface SessionRequest {
  chargeId: string;
  merchantId: string;
  stationId: string;
  connectorId: string;
  cpmsSessionId: string | null;
  /** The route the start was accepted on; when set, it wins over the station's current mapping. */
  route?: ChargeCpmsRoute | null;
}

export type StopSessionRequest = SessionRequest;

export type StopSessionResult = { outcome: 'accepted' } | { outcome: 'refused'; reason: string };

export interface CpmsSessionView {
  cpmsSessionId: string | null;
  status: CpmsSessionStatus;
  /** Energy delivered so far (or in total once stopped), Wh, when the CPMS says. */
  energyWh?: number;
}

export interface CpmsAdapter {
  readonly name: string;
  startSession(request: StartSessionRequest): Promise<StartSessionResult>;
  stopSession(request: StopSessionRequest): Promise<StopSessionResult>;
  /** The session's status as the CPMS sees it; undefined when the CPMS does not know the charge. */
  getSession(request: SessionRequest): Promise<CpmsSessionView | undefined>;
  ping(): Promise<void>;
}

export class CpmsUnavailableError extends Error {
  override readonly name = 'CpmsUnavailableError';
}
