import type { ChargeSessionEvent, ChargeSessionEventOf, CpmsSessionStatus } from './charge-session.events';
import type { ChargeSessionState } from './charge-session.state';

/**
 * A charge that failed while its start may still reach the charger (docs/decisions/0027, Part D): the
 * CPMS may start the session minutes later, and nobody pays for it, so the gateway keeps asking about it
 * for a while and stops it if it runs. `since` is when the charge failed; `stopRequests` counts the stops
 * asked because the session ran anyway, which are bounded.
 */
export interface LateStartWatch {
  since: string;
  stopRequests: number;
}

/** Each STARTED seen after a refused stop asks again, at most this many times. */
export const MAX_LATE_START_STOPS = 3;

type FailedCharge = Extract<ChargeSessionState, { status: 'failed' }>;

/**
 * A start that timed out may be in flight or accepted; a start the CPMS took but never confirmed
 * (`startMayFollow`) may still happen. A refusal, a FAILED or a STOPPED from the CPMS ends it.
 */
export const lateStartWatchOf = (
  failure: ChargeSessionEventOf<'ChargeSessionFailed'>['data'],
): LateStartWatch | null =>
  failure.reason === 'start_timeout' || failure.startMayFollow === true
    ? { since: failure.failedAt, stopRequests: 0 }
    : null;

/** The watch after a stop request on a failed charge: a stop for a late start counts against the bound. */
export const countLateStartStop = (
  watch: LateStartWatch | null,
  request: ChargeSessionEventOf<'ChargeSessionStopRequested'>['data'],
): LateStartWatch | null =>
  watch && request.reason === 'start_after_failure'
    ? { ...watch, stopRequests: watch.stopRequests + 1 }
    : watch;

/**
 * The CPMS reports a failed charge's session: stop it if it runs. The first stop is asked on `STARTED`
 * whatever the watch says (a push can come any time). For a watched charge, a refused stop (the
 * start_timeout stop sent while the CPMS had no session yet, or an earlier late stop) is asked again while
 * the session runs (`STARTED`, or `STOP_FAILED`: still running after a stop), at most
 * MAX_LATE_START_STOPS times; a `STOP_FAILED` after an accepted stop records that stop as failed first.
 * A stop in flight is not repeated.
 */
export const stopLateStart = (
  state: FailedCharge,
  status: CpmsSessionStatus,
  now: string,
): ChargeSessionEvent[] => {
  const watched = state.lateStart !== null && state.lateStart.stopRequests < MAX_LATE_START_STOPS;
  const request: ChargeSessionEvent = {
    type: 'ChargeSessionStopRequested',
    data: { chargeId: state.chargeId, reason: 'start_after_failure', requestedAt: now },
  };
  if (status === 'STARTED' && !state.stop) return [request];
  if (!watched || (status !== 'STARTED' && status !== 'STOP_FAILED')) return [];
  if (state.stop?.outcome === 'failed') return [request];
  if (status === 'STOP_FAILED' && state.stop?.outcome === 'accepted') {
    return [
      {
        type: 'ChargeSessionStopFailed',
        data: { chargeId: state.chargeId, reason: 'the CPMS reported STOP_FAILED', failedAt: now },
      },
    ];
  }
  return [];
};

/** Whether the CPMS should still be asked about a failed charge's session: within the window, stops left. */
export const watchesForLateStart = (state: ChargeSessionState, now: Date, windowMs: number): boolean =>
  state.status === 'failed' &&
  state.lateStart !== null &&
  state.lateStart.stopRequests < MAX_LATE_START_STOPS &&
  now.getTime() < Date.parse(state.lateStart.since) + windowMs;
