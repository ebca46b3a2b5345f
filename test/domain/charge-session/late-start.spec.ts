import assert from 'node:assert/strict';
import { chargeSessionDecider } from '../../../src/domain/charge-session/charge-session.decider';
import type { ChargeSessionEvent } from '../../../src/domain/charge-session/charge-session.events';
import { MAX_LATE_START_STOPS } from '../../../src/domain/charge-session/late-start';
import { deciderSpec } from '../../support/decider-spec';
import { accepted, at, command, started, T0 } from './charge-session.fixtures';

const given = deciderSpec(chargeSessionDecider);

const timedOut: ChargeSessionEvent = {
  type: 'ChargeSessionFailed',
  data: {
    chargeId: 'ch_1',
    reason: 'start_timeout',
    message: 'the CPMS did not confirm the start in time',
    failedAt: at(2),
  },
};
const stopRefused = (minutes: number): ChargeSessionEvent => ({
  type: 'ChargeSessionStopFailed',
  data: { chargeId: 'ch_1', reason: 'SESSION_NOT_STOPPABLE', failedAt: at(minutes) },
});
const lateStop = (minutes: number): ChargeSessionEvent => ({
  type: 'ChargeSessionStopRequested',
  data: { chargeId: 'ch_1', reason: 'start_after_failure', requestedAt: at(minutes) },
});
const stopAccepted: ChargeSessionEvent = {
  type: 'ChargeSessionCpmsStopAccepted',
  data: { chargeId: 'ch_1', acceptedAt: at(4) },
};
const running = (minutes: number) =>
  command('ReportCpmsStatus', at(minutes), { status: 'STARTED', cpmsSessionId: 'cpms_1' });
const stateAfter = (events: ChargeSessionEvent[]) =>
  events.reduce(chargeSessionDecider.evolve, chargeSessionDecider.initialState());

describe('charge session decider: a session the CPMS starts after the charge failed (0027 Part D)', () => {
  it('waits while the start_timeout stop is in flight, and once it was accepted', () => {
    given([started, accepted, timedOut]).when(running(3)).then([]);
    given([started, accepted, timedOut, stopAccepted]).when(running(5)).then([]);
  });

  it('asks the stop again when the start_timeout stop was refused (no session yet) and it runs now', () =>
    given([started, accepted, timedOut, stopRefused(2)])
      .when(running(4))
      .then([lateStop(4)]));

  it('asks again after each refused late stop, at most MAX_LATE_START_STOPS times', () => {
    const history: ChargeSessionEvent[] = [started, accepted, timedOut, stopRefused(2)];
    for (let attempt = 1; attempt <= MAX_LATE_START_STOPS; attempt += 1) {
      given(history)
        .when(running(2 + attempt))
        .then([lateStop(2 + attempt)]);
      history.push(lateStop(2 + attempt), stopRefused(2 + attempt));
    }
    given(history).when(running(9)).then([]);
    const state = stateAfter(history);
    assert.equal(state.status === 'failed' && state.lateStart?.stopRequests, MAX_LATE_START_STOPS);
  });

  it('takes STOP_FAILED as still running: an accepted stop is recorded failed, then asked again', () => {
    const stopFailed = command('ReportCpmsStatus', at(6), { status: 'STOP_FAILED', cpmsSessionId: 'cpms_1' });
    const lateStopAccepted = [started, accepted, timedOut, stopRefused(2), lateStop(4), stopAccepted];
    given(lateStopAccepted)
      .when(stopFailed)
      .then([
        {
          type: 'ChargeSessionStopFailed',
          data: { chargeId: 'ch_1', reason: 'the CPMS reported STOP_FAILED', failedAt: at(6) },
        },
      ]);
    given([...lateStopAccepted, stopRefused(6)])
      .when(command('ReportCpmsStatus', at(7), { status: 'STOP_FAILED', cpmsSessionId: 'cpms_1' }))
      .then([lateStop(7)]);
    given([started, accepted, timedOut])
      .when(command('ReportCpmsStatus', at(3), { status: 'STOP_FAILED', cpmsSessionId: 'cpms_1' }))
      .then([]);
  });

  it('does not stop what is not running', () => {
    for (const status of ['WAITING_TO_START', 'STOPPED', 'COMPLETE', 'FAILED'] as const)
      given([started, accepted, timedOut, stopRefused(2)])
        .when(command('ReportCpmsStatus', at(4), { status, cpmsSessionId: 'cpms_1' }))
        .then([]);
  });

  it('records that a start the CPMS took but never confirmed may still follow, and watches it', () => {
    const failure: ChargeSessionEvent = {
      type: 'ChargeSessionFailed',
      data: {
        chargeId: 'ch_1',
        reason: 'cpms_refused',
        message: 'the CPMS refused the start: start_not_confirmed',
        startMayFollow: true,
        failedAt: T0,
      },
    };
    given([started])
      .when(command('RefuseCpmsStart', T0, { reason: 'start_not_confirmed', startMayFollow: true }))
      .then([failure]);
    const watched = stateAfter([started, failure]);
    assert.deepEqual(watched.status === 'failed' && watched.lateStart, { since: T0, stopRequests: 0 });
    // Nothing to stop yet: the first STARTED asks the stop, which is counted.
    given([started, failure])
      .when(running(3))
      .then([lateStop(3)]);
    const afterStop = stateAfter([started, failure, lateStop(3)]);
    assert.equal(afterStop.status === 'failed' && afterStop.lateStart?.stopRequests, 1);
  });

  it('does not watch a plain refusal: one stop on a push, never retried', () => {
    const refused: ChargeSessionEvent = {
      type: 'ChargeSessionFailed',
      data: { chargeId: 'ch_1', reason: 'cpms_refused', message: 'busy', failedAt: T0 },
    };
    const state = stateAfter([started, refused]);
    assert.equal(state.status === 'failed' && state.lateStart, null);
    given([started, refused])
      .when(running(3))
      .then([lateStop(3)]);
    given([started, refused, lateStop(3), stopRefused(3)])
      .when(running(4))
      .then([]);
  });

  it('watches a start_timeout from the failure on', () => {
    const state = stateAfter([started, accepted, timedOut]);
    assert.deepEqual(state.status === 'failed' && state.lateStart, { since: at(2), stopRequests: 0 });
  });
});
