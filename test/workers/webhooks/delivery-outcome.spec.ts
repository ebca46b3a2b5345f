import assert from 'node:assert/strict';
import { STANDARD_WEBHOOKS_SCHEDULE_MS } from '../../../src/domain/webhook-delivery/retry-schedule';
import { judgeAttempt, type VerdictInput } from '../../../src/workers/webhooks/delivery-outcome';
import { deliveryJobId, deliveryRetryPolicy } from '../../../src/workers/webhooks/delivery-job';

const at = new Date('2026-01-20T10:00:00.000Z');
const input = (fields: Partial<VerdictInput['result']>, more: Partial<VerdictInput> = {}): VerdictInput => ({
  result: { statusCode: 500, latencyMs: 5, error: null, retryAfterMs: null, ...fields },
  attempt: 1,
  schedule: STANDARD_WEBHOOKS_SCHEDULE_MS,
  attemptedAt: at,
  failingSince: null,
  disableAfterMs: 120 * 3_600_000,
  ...more,
});

describe('delivery outcomes', () => {
  it('counts only 2xx as success', () => {
    for (const status of [200, 201, 204, 299])
      assert.equal(judgeAttempt(input({ statusCode: status })).kind, 'succeeded');
    for (const status of [100, 301, 302, 400, 404, 500])
      assert.equal(judgeAttempt(input({ statusCode: status })).kind, 'retry');
    assert.equal(judgeAttempt(input({ statusCode: null, error: 'ECONNREFUSED' })).kind, 'retry');
  });

  it('follows the Standard Webhooks schedule, and stops after the tenth attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => {
      const verdict = judgeAttempt(input({}, { attempt }));
      return verdict.kind === 'retry' ? verdict.delayMs : -1;
    });
    assert.deepEqual(
      delays,
      [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000],
    );
    assert.equal(judgeAttempt(input({}, { attempt: 10 })).kind, 'exhausted');
  });

  it('honours Retry-After on 429 and 503 only, bounded by a day', () => {
    assert.deepEqual(judgeAttempt(input({ statusCode: 429, retryAfterMs: 30_000 })), {
      kind: 'retry',
      delayMs: 30_000,
      retryAfter: true,
    });
    assert.deepEqual(judgeAttempt(input({ statusCode: 503, retryAfterMs: 9e12 })), {
      kind: 'retry',
      delayMs: 86_400_000,
      retryAfter: true,
    });
    assert.deepEqual(judgeAttempt(input({ statusCode: 500, retryAfterMs: 30_000 })), {
      kind: 'retry',
      delayMs: 5_000,
      retryAfter: false,
    });
  });

  it('410 Gone stops and disables', () =>
    assert.equal(judgeAttempt(input({ statusCode: 410 })).kind, 'gone'));

  it('disables a subscription failing for the whole period without a success', () => {
    const justUnder = new Date(at.getTime() - 120 * 3_600_000 + 1).toISOString();
    const exactly = new Date(at.getTime() - 120 * 3_600_000).toISOString();
    assert.equal(judgeAttempt(input({}, { failingSince: justUnder })).kind, 'retry');
    assert.deepEqual(judgeAttempt(input({}, { failingSince: exactly })), {
      kind: 'failing_too_long',
      failingSince: exactly,
    });
    assert.equal(judgeAttempt(input({ statusCode: 200 }, { failingSince: exactly })).kind, 'succeeded');
  });
});

describe('delivery jobs', () => {
  it('have deterministic ids without colons, one per round and per resumption', () => {
    const event = '0b7c4a4e-5d6f-5a1b-8c9d-0e1f2a3b4c5d';
    assert.equal(deliveryJobId(event, 'wh_1', 0, 0), `whd-${event}-wh_1`);
    assert.equal(deliveryJobId(event, 'wh_1', 2, 0), `whd-${event}-wh_1-r2`);
    assert.equal(deliveryJobId(event, 'wh_1', 0, 3), `whd-${event}-wh_1-c3`);
  });

  it('carry the rest of the schedule as the queue’s retry policy, with jitter', () => {
    assert.deepEqual(deliveryRetryPolicy(STANDARD_WEBHOOKS_SCHEDULE_MS, 0), {
      attempts: 10,
      backoff: { type: 'schedule', delaysMs: STANDARD_WEBHOOKS_SCHEDULE_MS.slice(1), jitter: 0.2 },
    });
    assert.deepEqual(deliveryRetryPolicy(STANDARD_WEBHOOKS_SCHEDULE_MS, 8), {
      attempts: 2,
      backoff: { type: 'schedule', delaysMs: [86_400_000], jitter: 0.2 },
    });
    assert.equal(deliveryRetryPolicy(STANDARD_WEBHOOKS_SCHEDULE_MS, 9).attempts, 1);
  });
});
