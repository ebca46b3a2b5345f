import { isRunning, type ChargeSessionState } from '../../domain/charge-session/charge-session.state';
import { watchesForLateStart } from '../../domain/charge-session/late-start';
import type { RetryPolicy } from '../../infrastructure/job-queue/job-queue';

export const CHARGE_PROCESS_QUEUE = 'charge-processes';
export const CPMS_POLL_QUEUE = 'cpms-status-poll';

/** The process managers of a charge; each is idempotent and keyed by the charge. */
export type ChargeAction = 'cpms-start' | 'start-timeout' | 'cpms-stop' | 'settle' | 'follow-capture';

export interface ChargeJob {
  chargeId: string;
}

/**
 * What a charge still needs, as a pure function of its aggregate state (the decider's, never a read-model
 * document, which may lag). The work is done when its result is recorded on the charge, so the list
 * empties by itself.
 */
export const outstandingActions = (charge: ChargeSessionState, now: Date): ChargeAction[] => {
  const actions: ChargeAction[] = [];
  if (charge.status === 'pending' && !charge.cpmsStartAccepted) actions.push('cpms-start');
  if (charge.status === 'pending' && now.getTime() >= Date.parse(charge.startDeadline))
    actions.push('start-timeout');
  if (charge.status !== 'empty' && charge.status !== 'pending' && charge.stop?.outcome === 'pending')
    actions.push('cpms-stop');
  if ((charge.status === 'completed' || charge.status === 'failed') && !charge.settlement)
    actions.push('settle');
  // The capture worker records the intent's outcome on the charge; this catches a crash in between.
  if (charge.status === 'completed' && charge.settlement?.outcome === 'capture_pending')
    actions.push('follow-capture');
  return actions;
};

/**
 * Whether the CPMS should be asked for the session's status: a start it accepted, a running session, or
 * a failed charge whose session may still start, within `lateStartWatchMs` of the failure (Part D of
 * docs/decisions/0027: a CPMS that cannot push, or a lost push, must not leave a driver charging unpaid).
 */
export const needsPolling = (charge: ChargeSessionState, now: Date, lateStartWatchMs: number): boolean =>
  (charge.status === 'pending' && charge.cpmsStartAccepted) ||
  isRunning(charge) ||
  watchesForLateStart(charge, now, lateStartWatchMs);

/**
 * Job ids: one per action, charge and minute of real time (not the domain clock: this paces retries).
 * Within the minute, the kick after a command and every sweep name the same job, so it runs once; a
 * later minute may run it again only if the work is still outstanding, which every handler checks
 * against the stream first. No ':' (BullMQ).
 */
export const jobIdFor = (action: string, chargeId: string, bucketMs = 60_000, nowMs = Date.now()): string =>
  `${action}-${chargeId}-${Math.floor(nowMs / bucketMs)}`;

/**
 * The CPMS start is the exception: one job per charge, ever. The stream cannot tell a start that is still
 * in flight from one never sent, so a second job (the next minute's, while a slow CPMS has not answered
 * yet) would ask again, and a CPMS refuses a second start on a busy connector. The queue keeps the id
 * while the job waits, runs, retries and long after, so every kick and sweep names this one job; its own
 * retries cover the start timeout, after which the start-timeout job fails the charge.
 */
export const startJobIdFor = (chargeId: string): string => `cpms-start-${chargeId}`;

/**
 * A stop is one job per stop request, like the start: a minute's job could still be in flight or waiting
 * for its retry when the next minute's ran, and the CPMS was asked twice. A stop asked again for a late
 * start is a new request, so its id names which late stop it is. The job's own retries (STOP_RETRY) pace
 * the asking; its last attempt records the stop as failed rather than leave it pending.
 */
export const stopJobIdFor = (charge: Exclude<ChargeSessionState, { status: 'empty' }>): string => {
  const lateStop = charge.status === 'failed' ? (charge.lateStart?.stopRequests ?? 0) : 0;
  return lateStop > 0 ? `cpms-stop-late${lateStop}-${charge.chargeId}` : `cpms-stop-${charge.chargeId}`;
};

export const jobIdForAction = (
  action: ChargeAction,
  charge: Exclude<ChargeSessionState, { status: 'empty' }>,
) => {
  if (action === 'cpms-start') return startJobIdFor(charge.chargeId);
  if (action === 'cpms-stop') return stopJobIdFor(charge);
  return jobIdFor(action, charge.chargeId);
};

/** Settlement and capture follow-ups: their handlers do only what the stream says is left. */
const PROCESS_RETRY: RetryPolicy = { attempts: 6, backoff: { type: 'exponential', baseDelayMs: 500 } };

/** The start's single job retries for about a minute (0.5 s doubling), within the start timeout. */
const START_RETRY: RetryPolicy = { attempts: 8, backoff: { type: 'exponential', baseDelayMs: 500 } };

/**
 * The stop's single job asks for about a quarter of an hour: quickly at first (a CPMS blip), then once a
 * minute. A driver may be charging past the authorization meanwhile, so it asks longer than the start.
 * From attempt STOP_ASKS on, a stop the CPMS does not take is recorded as failed; the attempts after it
 * are there for when that record cannot be written (the event store down at that moment), so the job does
 * not end with the stop still pending and its id blocking any other.
 */
export const STOP_ASKS = 20;
const STOP_RECORD_ATTEMPTS = 5;
export const STOP_RETRY: RetryPolicy = {
  attempts: STOP_ASKS + STOP_RECORD_ATTEMPTS,
  backoff: {
    type: 'schedule',
    delaysMs: [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000],
    jitter: 0.2,
  },
};

export const retryPolicyFor = (action: ChargeAction): RetryPolicy =>
  action === 'cpms-start' ? START_RETRY : action === 'cpms-stop' ? STOP_RETRY : PROCESS_RETRY;

/** The read-model filter for charges to poll; `needsPolling` decides from each one's stream. */
export const pollCandidatesFilter = (now: Date, lateStartWatchMs: number) => ({
  $or: [
    { status: { $in: ['pending', 'active', 'stopping', 'stop_failed'] } },
    { status: 'failed', failedAt: { $gte: new Date(now.getTime() - lateStartWatchMs).toISOString() } },
  ],
});

/**
 * The read-model filter for charges that may have outstanding work or need polling: it only finds the
 * candidates (through indexes); what each needs is decided from its stream.
 */
export const OPEN_CHARGES_FILTER = {
  $or: [
    { status: { $in: ['pending', 'active', 'stopping', 'stop_failed'] } },
    { status: { $in: ['completed', 'failed'] }, settlement: null },
    { 'stop.status': 'pending' },
    { 'settlement.outcome': 'capture_pending' },
  ],
};
