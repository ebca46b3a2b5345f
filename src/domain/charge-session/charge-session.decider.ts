import type { Decider } from '../shared/decider';
import { conflict, invalid } from '../shared/domain-error';
import { costOf, ignoredReason, periodTo } from './charge-metering';
import type {
  AcceptCpmsStart,
  ChargeSessionCommand,
  CompleteChargeSession,
  RecordChargeCaptureOutcome,
  RecordChargeProgress,
  RecordChargeSettlement,
  RecordCpmsStopOutcome,
  RefuseCpmsStart,
  ReportCpmsStatus,
  StartChargeSession,
  TimeOutChargeStart,
} from './charge-session.commands';
import type {
  ChargeSessionEvent,
  ChargeSessionEventOf,
  CompletionReason,
  FailureReason,
  MeterReading,
} from './charge-session.events';
import { stopLateStart } from './late-start';
import {
  evolveChargeSession,
  initialChargeSessionState,
  isRunning,
  type ChargeSessionState,
  type RunningChargeState,
} from './charge-session.state';

/** A reading this far ahead of the gateway's clock is a broken terminal clock, not a measurement. */
export const MAX_READING_CLOCK_SKEW_MS = 5 * 60_000;

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

const requireRunning = (state: ChargeSessionState, action: string): RunningChargeState => {
  if (isRunning(state)) return state;
  switch (state.status) {
    case 'empty':
      throw conflict('charge_not_found', 'the charge does not exist');
    case 'pending':
      throw conflict('charge_not_started', `cannot ${action}: the CPMS has not confirmed the start yet`);
    case 'completed':
      throw conflict('charge_already_completed', `cannot ${action}: the charge is completed`);
    default:
      throw conflict('charge_failed', `cannot ${action}: the charge failed (${state.reason})`);
  }
};

const start = (command: StartChargeSession, state: ChargeSessionState): ChargeSessionEvent[] => {
  if (state.status !== 'empty') throw conflict('charge_exists', 'a charge for this payment intent exists');
  const { type: _type, now, startTimeoutMs, ...details } = command;
  return [
    {
      type: 'ChargeSessionStarted',
      data: { ...details, startDeadline: addMs(now, startTimeoutMs), startedAt: now },
    },
  ];
};

const failed = (
  chargeId: string,
  reason: FailureReason,
  message: string,
  now: string,
  startMayFollow = false,
): ChargeSessionEvent => ({
  type: 'ChargeSessionFailed',
  data: { chargeId, reason, message, ...(startMayFollow ? { startMayFollow } : {}), failedAt: now },
});

/**
 * Recorded once, also when a pushed STARTED activated the charge before the start's answer was recorded:
 * the acceptance carries the route the session's later calls use.
 */
const acceptStart = (command: AcceptCpmsStart, state: ChargeSessionState): ChargeSessionEvent[] =>
  (state.status === 'pending' ||
    state.status === 'active' ||
    state.status === 'stopping' ||
    state.status === 'stop_failed') &&
  !state.cpmsStartAccepted
    ? [
        {
          type: 'ChargeSessionCpmsStartAccepted',
          data: {
            chargeId: state.chargeId,
            cpmsSessionId: command.cpmsSessionId,
            ...(command.cpmsRoute ? { cpmsRoute: command.cpmsRoute } : {}),
            acceptedAt: command.now,
          },
        },
      ]
    : [];

const refuseStart = (command: RefuseCpmsStart, state: ChargeSessionState): ChargeSessionEvent[] =>
  state.status === 'pending'
    ? [
        failed(
          state.chargeId,
          'cpms_refused',
          `the CPMS refused the start: ${command.reason}`,
          command.now,
          command.startMayFollow,
        ),
      ]
    : [];

const timeOut = (command: TimeOutChargeStart, state: ChargeSessionState): ChargeSessionEvent[] =>
  state.status === 'pending' && Date.parse(command.now) >= Date.parse(state.startDeadline)
    ? [failed(state.chargeId, 'start_timeout', 'the CPMS did not confirm the start in time', command.now)]
    : [];

/** Progress for a reading, or nothing when the reading is a duplicate or out of order. */
const progress = (
  state: RunningChargeState,
  reading: MeterReading,
  now: string,
): ChargeSessionEventOf<'ChargeSessionProgressRecorded'>[] => {
  if (Date.parse(reading.measuredAt) > Date.parse(now) + MAX_READING_CLOCK_SKEW_MS) {
    throw invalid(
      'reading_in_future',
      `measuredAt ${reading.measuredAt} is ahead of the gateway clock`,
      'measuredAt',
    );
  }
  if (ignoredReason(state, reading)) return [];
  const period = periodTo(state, reading);
  const { exclVat, vat, inclVat } = costOf(state, [period]);
  return [
    {
      type: 'ChargeSessionProgressRecorded',
      data: {
        chargeId: state.chargeId,
        reading,
        period,
        runningCost: { exclVat, vat, inclVat },
        recordedAt: now,
      },
    },
  ];
};

const recordProgress = (command: RecordChargeProgress, current: ChargeSessionState): ChargeSessionEvent[] => {
  const state = requireRunning(current, 'record progress');
  const recorded = progress(state, command.reading, command.now);
  const after = recorded.reduce<ChargeSessionState>(evolveChargeSession, state);
  const reachedLimit =
    after.status === 'active' && recorded.length > 0 && after.runningCost.inclVat >= after.stopThreshold;
  return reachedLimit
    ? [
        ...recorded,
        {
          type: 'ChargeSessionStopRequested',
          data: { chargeId: state.chargeId, reason: 'preauthorization_limit', requestedAt: command.now },
        },
      ]
    : recorded;
};

const completion = (state: RunningChargeState, reason: CompletionReason, now: string): ChargeSessionEvent => {
  const cost = costOf(state);
  const energyWh = state.lastReading.meterWh;
  const capture = energyWh > 0;
  return {
    type: 'ChargeSessionCompleted',
    data: {
      chargeId: state.chargeId,
      reason,
      energyWh,
      cost,
      paymentAction: capture ? 'capture' : 'void',
      amountDue: capture ? Math.min(cost.inclVat, state.amountAuthorized) : 0,
      amountUncovered: capture ? Math.max(0, cost.inclVat - state.amountAuthorized) : 0,
      completedAt: now,
    },
  };
};

/** The terminal ends the charge: a last reading if it has one, a stop for the CPMS unless one was asked. */
const complete = (command: CompleteChargeSession, current: ChargeSessionState): ChargeSessionEvent[] => {
  const state = requireRunning(current, 'complete');
  const recorded = command.reading ? progress(state, command.reading, command.now) : [];
  const after = recorded.reduce<ChargeSessionState>(evolveChargeSession, state) as RunningChargeState;
  const stop: ChargeSessionEvent[] = after.stop
    ? []
    : [
        {
          type: 'ChargeSessionStopRequested',
          data: { chargeId: state.chargeId, reason: 'completed', requestedAt: command.now },
        },
      ];
  return [...recorded, ...stop, completion(after, 'terminal', command.now)];
};

const reportStatus = (command: ReportCpmsStatus, state: ChargeSessionState): ChargeSessionEvent[] => {
  const { status, now } = command;
  if (state.status === 'pending') {
    if (status === 'STARTED') {
      return [
        {
          type: 'ChargeSessionActivated',
          data: { chargeId: state.chargeId, cpmsSessionId: command.cpmsSessionId, activatedAt: now },
        },
      ];
    }
    if (status === 'FAILED') return [failed(state.chargeId, 'cpms_failed', 'the CPMS reported FAILED', now)];
    if (status === 'STOPPED' || status === 'COMPLETE') {
      return [failed(state.chargeId, 'cpms_stopped', `the CPMS reported ${status} before the start`, now)];
    }
    return [];
  }
  if (isRunning(state)) {
    if (status === 'STOPPED' || status === 'COMPLETE') return [completion(state, 'cpms_stopped', now)];
    if (status === 'FAILED') return [completion(state, 'cpms_failed', now)];
    if (status === 'STOP_FAILED' && state.stop?.outcome !== 'failed') {
      return [
        {
          type: 'ChargeSessionStopFailed',
          data: { chargeId: state.chargeId, reason: 'the CPMS reported STOP_FAILED', failedAt: now },
        },
      ];
    }
    return [];
  }
  // A session the CPMS started after we gave up on it: nobody pays for it, so it must be stopped.
  if (state.status === 'failed') return stopLateStart(state, status, now);
  return [];
};

const stopOutcome = (command: RecordCpmsStopOutcome, state: ChargeSessionState): ChargeSessionEvent[] => {
  if (state.status === 'empty' || state.status === 'pending' || state.stop?.outcome !== 'pending') return [];
  return command.accepted
    ? [{ type: 'ChargeSessionCpmsStopAccepted', data: { chargeId: state.chargeId, acceptedAt: command.now } }]
    : [
        {
          type: 'ChargeSessionStopFailed',
          data: {
            chargeId: state.chargeId,
            reason: command.reason ?? 'refused by the CPMS',
            failedAt: command.now,
          },
        },
      ];
};

const settle = (command: RecordChargeSettlement, state: ChargeSessionState): ChargeSessionEvent[] => {
  if ((state.status !== 'completed' && state.status !== 'failed') || state.settlement) return [];
  return [
    {
      type: 'ChargeSessionSettled',
      data: {
        chargeId: state.chargeId,
        paymentIntentId: state.paymentIntentId,
        outcome: command.outcome,
        amountCaptured: command.amountCaptured,
        failureCode: command.failureCode,
        settledAt: command.now,
      },
    },
  ];
};

/**
 * Only a settlement handed to an asynchronous capture is completed this way, once. The owed amount is
 * derived here, from the amount due, so the charge never records one that does not add up.
 */
const settleCapture = (
  command: RecordChargeCaptureOutcome,
  state: ChargeSessionState,
): ChargeSessionEvent[] => {
  if (state.status !== 'completed' || state.settlement?.outcome !== 'capture_pending') return [];
  const { outcome, amountCaptured, failureCode } = command;
  if (!Number.isSafeInteger(amountCaptured) || amountCaptured < 0 || amountCaptured > state.amountDue) {
    throw invalid(
      'capture_exceeds_amount_due',
      `amountCaptured ${amountCaptured} is not between 0 and the amount due ${state.amountDue}`,
      'amountCaptured',
    );
  }
  if (outcome === 'failed' && amountCaptured !== 0) {
    throw invalid(
      'failed_capture_took_money',
      'a failed capture cannot have captured anything',
      'amountCaptured',
    );
  }
  if (outcome === 'captured' && amountCaptured === 0) {
    throw invalid('captured_nothing', 'a capture that took nothing is a failure', 'amountCaptured');
  }
  return [
    {
      type: 'ChargeSessionCaptureSettled',
      data: {
        chargeId: state.chargeId,
        paymentIntentId: state.paymentIntentId,
        outcome,
        amountCaptured,
        amountOwed: state.amountDue - amountCaptured,
        failureCode: outcome === 'failed' ? (failureCode ?? 'capture_failed') : null,
        settledAt: command.now,
      },
    },
  ];
};

/**
 * Commands from terminals (start, progress, complete) refuse what the state does not allow; commands
 * from the process managers and the CPMS are idempotent: a repeat, or one that came too late, is [].
 */
export const decideChargeSession = (
  command: ChargeSessionCommand,
  state: ChargeSessionState,
): ChargeSessionEvent[] => {
  switch (command.type) {
    case 'StartChargeSession':
      return start(command, state);
    case 'AcceptCpmsStart':
      return acceptStart(command, state);
    case 'RefuseCpmsStart':
      return refuseStart(command, state);
    case 'TimeOutChargeStart':
      return timeOut(command, state);
    case 'ReportCpmsStatus':
      return reportStatus(command, state);
    case 'RecordChargeProgress':
      return recordProgress(command, state);
    case 'CompleteChargeSession':
      return complete(command, state);
    case 'RecordCpmsStopOutcome':
      return stopOutcome(command, state);
    case 'RecordChargeSettlement':
      return settle(command, state);
    case 'RecordChargeCaptureOutcome':
      return settleCapture(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown charge session command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const chargeSessionDecider: Decider<ChargeSessionState, ChargeSessionCommand, ChargeSessionEvent> = {
  initialState: initialChargeSessionState,
  decide: decideChargeSession,
  evolve: evolveChargeSession,
};

export const chargeSessionStreamName = (chargeId: string): string => `charge_session-${chargeId}`;
