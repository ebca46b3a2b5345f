import assert from 'node:assert/strict';
import type { ChargeSessionState } from '../../../src/domain/charge-session/charge-session.state';
import { MAX_LATE_START_STOPS } from '../../../src/domain/charge-session/late-start';
import {
  jobIdFor,
  jobIdForAction,
  needsPolling,
  outstandingActions,
} from '../../../src/workers/charges/charge-actions';

/** Only the fields the process managers read; the rest of the state does not matter here. */
const charge = (overrides: Record<string, unknown>): ChargeSessionState =>
  ({
    chargeId: 'ch_1',
    status: 'pending',
    cpmsSessionId: null,
    cpmsStartAccepted: false,
    startDeadline: '2026-03-02T09:02:00.000Z',
    stop: null,
    settlement: null,
    ...overrides,
  }) as unknown as ChargeSessionState;

const BEFORE = new Date('2026-03-02T09:01:00.000Z');
const AFTER = new Date('2026-03-02T09:02:00.000Z');
const WATCH_MS = 600_000;

describe('charge process managers: what is outstanding', () => {
  it('a new charge needs the CPMS start; a late one the timeout too', () => {
    assert.deepEqual(outstandingActions(charge({}), BEFORE), ['cpms-start']);
    assert.deepEqual(outstandingActions(charge({}), AFTER), ['cpms-start', 'start-timeout']);
    const accepted = charge({ cpmsStartAccepted: true });
    assert.deepEqual(outstandingActions(accepted, BEFORE), []);
    assert.ok(needsPolling(accepted, BEFORE, WATCH_MS));
    assert.ok(!needsPolling(charge({}), BEFORE, WATCH_MS));
  });

  it('a failed charge whose session may still start is polled within the window, while stops are left', () => {
    const watched = (stopRequests: number) =>
      charge({ status: 'failed', lateStart: { since: BEFORE.toISOString(), stopRequests } });
    assert.ok(needsPolling(watched(0), AFTER, WATCH_MS));
    assert.ok(needsPolling(watched(2), new Date(BEFORE.getTime() + WATCH_MS - 1), WATCH_MS));
    assert.ok(!needsPolling(watched(0), new Date(BEFORE.getTime() + WATCH_MS), WATCH_MS), 'window over');
    assert.ok(!needsPolling(watched(MAX_LATE_START_STOPS), AFTER, WATCH_MS), 'no stops left');
    assert.ok(!needsPolling(charge({ status: 'failed', lateStart: null }), AFTER, WATCH_MS), 'refused');
  });

  it('every stop request is one job; a stop asked again for a late start is a job of its own', () => {
    const stop = { reason: 'start_after_failure', outcome: 'pending', failureReason: null };
    const failed = (stopRequests: number) =>
      charge({ status: 'failed', stop, lateStart: { since: BEFORE.toISOString(), stopRequests } }) as Exclude<
        ChargeSessionState,
        { status: 'empty' }
      >;
    const ids = [0, 1, 2].map((n) => jobIdForAction('cpms-stop', failed(n)));
    assert.equal(new Set(ids).size, 3);
    assert.ok(ids.every((id) => !id.includes(':')));
  });

  it('a pending stop needs the CPMS stop; a finished charge its settlement, until recorded', () => {
    const stop = { reason: 'terminal', outcome: 'pending', failureReason: null };
    assert.deepEqual(outstandingActions(charge({ status: 'completed', stop }), AFTER), [
      'cpms-stop',
      'settle',
    ]);
    assert.deepEqual(
      outstandingActions(
        charge({
          status: 'completed',
          stop: { ...stop, outcome: 'accepted' },
          settlement: { outcome: 'captured', amountCaptured: 1 },
        }),
        AFTER,
      ),
      [],
    );
    assert.deepEqual(outstandingActions(charge({ status: 'failed' }), AFTER), ['settle']);
    assert.deepEqual(
      outstandingActions(charge({ status: 'active', cpmsSessionId: 'x', cpmsStartAccepted: true }), AFTER),
      [],
    );
  });

  it('a settlement handed to an asynchronous capture needs following until the capture settles', () => {
    const stop = { reason: 'completed', outcome: 'accepted', failureReason: null };
    const settled = (outcome: string) =>
      charge({ status: 'completed', stop, settlement: { outcome, amountCaptured: 0 } });
    assert.deepEqual(outstandingActions(settled('capture_pending'), AFTER), ['follow-capture']);
    assert.deepEqual(outstandingActions(settled('failed'), AFTER), []);
  });

  it('job ids are per action, charge and time bucket, and never contain a colon', () => {
    assert.equal(jobIdFor('settle', 'ch_1', 60_000, 120_000), 'settle-ch_1-2');
    assert.equal(jobIdFor('settle', 'ch_1', 60_000, 179_999), 'settle-ch_1-2');
    assert.equal(jobIdFor('poll', 'ch_1', 25, 100), 'poll-ch_1-4');
  });
});
