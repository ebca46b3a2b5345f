import type {
  CaptureSettlementOutcome,
  ChargeCpmsRoute,
  CpmsSessionStatus,
  MeterReading,
  SettlementOutcome,
} from './charge-session.events';
import type { ChargeTerms } from './charge-session.state';

/** Every command carries the time it is decided at; deciders never read a clock. */
interface CommandBase {
  now: string;
}

export interface StartChargeSession extends CommandBase, ChargeTerms {
  type: 'StartChargeSession';
  startTimeoutMs: number;
  metadata: Record<string, string>;
}

/** The CPMS took the start request; confirmation comes later, as a STARTED status. */
export interface AcceptCpmsStart extends CommandBase {
  type: 'AcceptCpmsStart';
  cpmsSessionId: string | null;
  /** A mapped station's adapter and ids, which the session's later calls keep using. */
  cpmsRoute?: ChargeCpmsRoute | null;
}

export interface RefuseCpmsStart extends CommandBase {
  type: 'RefuseCpmsStart';
  reason: string;
  /** The CPMS took the command but did not confirm it: the session may still start (late-start.ts). */
  startMayFollow?: boolean;
}

/** From the sweeper: fails the charge if the CPMS has not confirmed by the deadline. */
export interface TimeOutChargeStart extends CommandBase {
  type: 'TimeOutChargeStart';
}

export interface ReportCpmsStatus extends CommandBase {
  type: 'ReportCpmsStatus';
  status: CpmsSessionStatus;
  cpmsSessionId: string | null;
}

export interface RecordChargeProgress extends CommandBase {
  type: 'RecordChargeProgress';
  reading: MeterReading;
}

export interface CompleteChargeSession extends CommandBase {
  type: 'CompleteChargeSession';
  /** The final reading, when the terminal has one. */
  reading?: MeterReading;
}

export interface RecordCpmsStopOutcome extends CommandBase {
  type: 'RecordCpmsStopOutcome';
  accepted: boolean;
  reason?: string;
}

export interface RecordChargeSettlement extends CommandBase {
  type: 'RecordChargeSettlement';
  outcome: SettlementOutcome;
  amountCaptured: number;
  failureCode: string | null;
}

/** From the capture worker or the charge sweep: the intent's asynchronous capture has ended. */
export interface RecordChargeCaptureOutcome extends CommandBase {
  type: 'RecordChargeCaptureOutcome';
  outcome: CaptureSettlementOutcome;
  amountCaptured: number;
  failureCode: string | null;
}

export type ChargeSessionCommand =
  | StartChargeSession
  | AcceptCpmsStart
  | RefuseCpmsStart
  | TimeOutChargeStart
  | ReportCpmsStatus
  | RecordChargeProgress
  | CompleteChargeSession
  | RecordCpmsStopOutcome
  | RecordChargeSettlement
  | RecordChargeCaptureOutcome;
