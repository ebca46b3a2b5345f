import assert from 'node:assert/strict';
import type { ChargeDocument } from '../../../src/projections/charges/charge.document';
import { jobIdFor, needsPolling, outstandingActions } from '../../../src/workers/charges/charge-actions';

const charge = (overrides: Partial<ChargeDocument>): ChargeDocument =>
  ({
    _id: 'ch_1',
    id: 'ch_1',
    status: 'pending',
    cpms: { sessionId: null, startAccepted: false },
    startDeadline: '2026-03-02T09:02:00.000Z',
    stop: null,
    settlement: null,
    ...overrides,
  }) as ChargeDocument;

const BEFORE = new Date('2026-03-02T09:01:00.000Z');
const AFTER = new Date('2026-03-02T09:02:00.000Z');

describe('charge process managers: what is outstanding', () => {
  it('a new charge needs the CPMS start; a late one the timeout too', () => {
    assert.deepEqual(outstandingActions(charge({}), BEFORE), ['cpms-start']);
    assert.deepEqual(outstandingActions(charge({}), AFTER), ['cpms-start', 'start-timeout']);
    const accepted = charge({ cpms: { sessionId: null, startAccepted: true } });
    assert.deepEqual(outstandingActions(accepted, BEFORE), []);
    assert.ok(needsPolling(accepted));
    assert.ok(!needsPolling(charge({})));
  });

  it('a pending stop needs the CPMS stop; a finished charge its settlement, until recorded', () => {
    const stop = {
      reason: 'completed' as const,
      status: 'pending' as const,
      failureReason: null,
      requestedAt: '',
    };
    assert.deepEqual(outstandingActions(charge({ status: 'completed', stop }), AFTER), [
      'cpms-stop',
      'settle',
    ]);
    assert.deepEqual(
      outstandingActions(
        charge({
          status: 'completed',
          stop: { ...stop, status: 'accepted' },
          settlement: { outcome: 'captured', amountCaptured: 1, failureCode: null, settledAt: '' },
        }),
        AFTER,
      ),
      [],
    );
    assert.deepEqual(outstandingActions(charge({ status: 'failed' }), AFTER), ['settle']);
    assert.deepEqual(
      outstandingActions(charge({ status: 'active', cpms: { sessionId: 'x', startAccepted: true } }), AFTER),
      [],
    );
  });

  it('job ids are per action, charge and time bucket, and never contain a colon', () => {
    assert.equal(jobIdFor('settle', 'ch_1', 60_000, 120_000), 'settle-ch_1-2');
    assert.equal(jobIdFor('settle', 'ch_1', 60_000, 179_999), 'settle-ch_1-2');
    assert.equal(jobIdFor('poll', 'ch_1', 25, 100), 'poll-ch_1-4');
  });
});
