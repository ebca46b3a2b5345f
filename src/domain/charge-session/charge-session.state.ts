import type { Currency } from '../shared/money';
import { emptyMeter, meterPeriods, type SessionMeter } from '../tariff/price-session';
import type { TariffDefinition } from '../tariff/tariff.model';
import type {
  ChargeCpmsRoute,
  ChargeSessionEvent,
  ChargingPeriod,
  CompletionReason,
  Cost,
  FailureReason,
  SettlementOutcome,
  StopReason,
} from './charge-session.events';
import { countLateStartStop, lateStartWatchOf, type LateStartWatch } from './late-start';

/** What a charge is fixed to at its start: where, for whom, against which intent and at which tariff. */
export interface ChargeTerms {
  chargeId: string;
  merchantId: string;
  terminalId: string | null;
  paymentIntentId: string;
  stationId: string;
  connectorId: string;
  evseId: string | null;
  tariffId: string;
  tariff: TariffDefinition;
  currency: Currency;
  amountAuthorized: number;
  stopThreshold: number;
  vatRatePercent: number;
  timeZone: string;
}

export interface ChargeDetails extends ChargeTerms {
  startDeadline: string;
  cpmsSessionId: string | null;
  cpmsStartAccepted: boolean;
  /** Set when a mapped station's CPMS accepted the start; null for the default CPMS (and older charges). */
  cpmsRoute: ChargeCpmsRoute | null;
}

export interface Metering {
  activatedAt: string;
  lastReading: { measuredAt: string; meterWh: number };
  periods: ChargingPeriod[];
  /** The tariff applied to `periods` so far, kept so that each reading prices only its own period. */
  meter: SessionMeter;
  runningCost: Cost;
}

/** A stop the gateway asked the CPMS for, and what came of it. */
export interface StopRequest {
  reason: StopReason;
  outcome: 'pending' | 'accepted' | 'failed';
  failureReason: string | null;
}

export interface Settlement {
  outcome: SettlementOutcome;
  amountCaptured: number;
}

interface Stoppable {
  stop: StopRequest | null;
}

/** The lifecycle as a union by status: metering exists once active, a settlement once finished. */
export type ChargeSessionState =
  | { status: 'empty' }
  | ({ status: 'pending' } & ChargeDetails)
  | ({ status: 'active' | 'stopping' | 'stop_failed' } & ChargeDetails & Metering & Stoppable)
  | ({
      status: 'completed';
      reason: CompletionReason;
      paymentAction: 'capture' | 'void';
      amountDue: number;
      settlement: Settlement | null;
    } & ChargeDetails &
      Metering &
      Stoppable)
  | ({
      status: 'failed';
      reason: FailureReason;
      settlement: Settlement | null;
      /** Whether, and since when, a session the CPMS starts late is looked for (./late-start.ts). */
      lateStart: LateStartWatch | null;
    } & ChargeDetails &
      Stoppable);

export type ChargeSessionStatus = ChargeSessionState['status'];
export type RunningChargeState = Extract<
  ChargeSessionState,
  { status: 'active' | 'stopping' | 'stop_failed' }
>;

export const initialChargeSessionState = (): ChargeSessionState => ({ status: 'empty' });

export const isRunning = (state: ChargeSessionState): state is RunningChargeState =>
  state.status === 'active' || state.status === 'stopping' || state.status === 'stop_failed';

const existing = (state: ChargeSessionState) => {
  if (state.status === 'empty') throw new Error('charge session event applied before it started');
  return state;
};

const running = (state: ChargeSessionState): RunningChargeState => {
  if (!isRunning(state)) throw new Error(`charge session is ${state.status}, not running`);
  return state;
};

const withStop = (
  state: ChargeSessionState,
  update: (stop: StopRequest) => StopRequest,
): ChargeSessionState => {
  const current = existing(state);
  if (current.status === 'pending' || !current.stop) return current;
  return { ...current, stop: update(current.stop) } as ChargeSessionState;
};

export const evolveChargeSession = (
  state: ChargeSessionState,
  event: ChargeSessionEvent,
): ChargeSessionState => {
  switch (event.type) {
    case 'ChargeSessionStarted': {
      const { startedAt: _startedAt, metadata: _metadata, ...details } = event.data;
      return {
        status: 'pending',
        ...details,
        cpmsSessionId: null,
        cpmsStartAccepted: false,
        cpmsRoute: null,
      };
    }
    case 'ChargeSessionCpmsStartAccepted': {
      const current = existing(state);
      return {
        ...current,
        cpmsStartAccepted: true,
        cpmsSessionId: current.cpmsSessionId ?? event.data.cpmsSessionId,
        cpmsRoute: event.data.cpmsRoute ?? null,
      } as ChargeSessionState;
    }
    case 'ChargeSessionActivated': {
      const current = existing(state);
      if (current.status !== 'pending') throw new Error(`cannot activate a ${current.status} charge`);
      const { activatedAt, cpmsSessionId } = event.data;
      return {
        ...current,
        status: 'active',
        cpmsSessionId: cpmsSessionId ?? current.cpmsSessionId,
        activatedAt,
        lastReading: { measuredAt: activatedAt, meterWh: 0 },
        periods: [],
        meter: emptyMeter(),
        runningCost: { exclVat: 0, vat: 0, inclVat: 0 },
        stop: null,
      };
    }
    case 'ChargeSessionProgressRecorded': {
      const current = running(state);
      const { reading, period, runningCost } = event.data;
      return {
        ...current,
        lastReading: { measuredAt: reading.measuredAt, meterWh: reading.meterWh },
        periods: [...current.periods, period],
        meter: meterPeriods(current.tariff, current.meter, current.activatedAt, [period], current.timeZone),
        runningCost,
      };
    }
    case 'ChargeSessionStopRequested': {
      const current = existing(state);
      if (current.status === 'pending') throw new Error('a stop cannot be requested before activation');
      const stop: StopRequest = { reason: event.data.reason, outcome: 'pending', failureReason: null };
      return {
        ...current,
        ...(current.status === 'active' ? { status: 'stopping' } : {}),
        ...(current.status === 'failed'
          ? { lateStart: countLateStartStop(current.lateStart, event.data) }
          : {}),
        stop,
      } as ChargeSessionState;
    }
    case 'ChargeSessionCpmsStopAccepted':
      return withStop(state, (stop) => ({ ...stop, outcome: 'accepted' }));
    case 'ChargeSessionStopFailed': {
      const next = withStop(state, (stop) => ({
        ...stop,
        outcome: 'failed',
        failureReason: event.data.reason,
      }));
      return next.status === 'stopping' || next.status === 'active'
        ? { ...next, status: 'stop_failed' }
        : next;
    }
    case 'ChargeSessionCompleted': {
      const current = running(state);
      const { reason, paymentAction, amountDue, cost } = event.data;
      const { exclVat, vat, inclVat } = cost;
      return {
        ...current,
        status: 'completed',
        reason,
        paymentAction,
        amountDue,
        runningCost: { exclVat, vat, inclVat },
        settlement: null,
      };
    }
    case 'ChargeSessionFailed': {
      const current = existing(state);
      const stop: StopRequest | null =
        event.data.reason === 'start_timeout'
          ? { reason: 'start_timeout', outcome: 'pending', failureReason: null }
          : null;
      return {
        status: 'failed',
        ...details(current),
        reason: event.data.reason,
        stop,
        settlement: null,
        lateStart: lateStartWatchOf(event.data),
      };
    }
    case 'ChargeSessionSettled': {
      const current = existing(state);
      if (current.status !== 'completed' && current.status !== 'failed') {
        throw new Error(`cannot settle a ${current.status} charge`);
      }
      const { outcome, amountCaptured } = event.data;
      return { ...current, settlement: { outcome, amountCaptured } };
    }
    case 'ChargeSessionCaptureSettled': {
      const current = existing(state);
      if (current.status !== 'completed' || current.settlement?.outcome !== 'capture_pending') {
        throw new Error(`no capture pending on a ${current.status} charge`);
      }
      const { outcome, amountCaptured } = event.data;
      return { ...current, settlement: { outcome, amountCaptured } };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown charge session event ${JSON.stringify(unreachable)}`);
    }
  }
};

const details = (state: Exclude<ChargeSessionState, { status: 'empty' }>): ChargeDetails => ({
  chargeId: state.chargeId,
  merchantId: state.merchantId,
  terminalId: state.terminalId,
  paymentIntentId: state.paymentIntentId,
  stationId: state.stationId,
  connectorId: state.connectorId,
  evseId: state.evseId,
  tariffId: state.tariffId,
  tariff: state.tariff,
  currency: state.currency,
  amountAuthorized: state.amountAuthorized,
  stopThreshold: state.stopThreshold,
  vatRatePercent: state.vatRatePercent,
  timeZone: state.timeZone,
  startDeadline: state.startDeadline,
  cpmsSessionId: state.cpmsSessionId,
  cpmsStartAccepted: state.cpmsStartAccepted,
  cpmsRoute: state.cpmsRoute,
});
