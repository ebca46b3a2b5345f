import assert from 'node:assert/strict';
import type { BackoffPolicy } from '../../src/infrastructure/job-queue/job-queue';
import { RetryAfterError } from '../../src/infrastructure/job-queue/job-queue-errors';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from '../../src/infrastructure/job-queue/retry-delay';

const exponential = (baseDelayMs: number): BackoffPolicy => ({ type: 'exponential', baseDelayMs });
const fixed = (delayMs: number): BackoffPolicy => ({ type: 'fixed', delayMs });
const schedule = (delaysMs: number[], jitter?: number): BackoffPolicy => ({
  type: 'schedule',
  delaysMs,
  jitter,
});
// A webhook-like schedule: 0s, 5s, 5min, 30min, 2h.
const webhook = schedule([0, 5_000, 300_000, 1_800_000, 7_200_000]);

describe('retryDelayMs', () => {
  const cases: [string, BackoffPolicy, number, number][] = [
    ['exponential, after attempt 1: the base', exponential(1000), 1, 1000],
    ['exponential, after attempt 2: twice the base', exponential(1000), 2, 2000],
    ['exponential, after attempt 5: 16x the base', exponential(1000), 5, 16_000],
    ['exponential, fractional base: rounded to whole ms', exponential(0.6), 1, 1],
    ['exponential, zero base: no delay', exponential(0), 3, 0],
    ['exponential, far past sensible: capped at the timer limit', exponential(1000), 60, MAX_RETRY_DELAY_MS],
    ['fixed, after attempt 1', fixed(250), 1, 250],
    ['fixed, after attempt 9: the same', fixed(250), 9, 250],
    ['schedule, after attempt 1: its first delay', webhook, 1, 0],
    ['schedule, after attempt 2: its second delay', webhook, 2, 5_000],
    ['schedule, after attempt 5: its last delay', webhook, 5, 7_200_000],
    ['schedule, past its end: the last delay repeats', webhook, 8, 7_200_000],
    ['schedule of one delay: always that delay', schedule([40]), 3, 40],
    ['attempt below 1 (defensive): treated as attempt 1', exponential(100), 0, 100],
    ['negative delay (defensive): no delay', fixed(-5), 1, 0],
  ];
  for (const [title, backoff, failedAttempt, expected] of cases) {
    it(title, () => assert.equal(retryDelayMs(backoff, failedAttempt), expected));
  }

  describe('jitter (schedule)', () => {
    const jittered = schedule([1000, 2000], 0.2);
    const jitterCases: [string, number, number, number][] = [
      ['random 0: the full delay', 1, 0, 1000],
      ['random 0.5: shortened by half the jitter', 1, 0.5, 900],
      ['random just below 1: shortened by (almost) all the jitter', 2, 0.999_999, 1600],
    ];
    for (const [title, failedAttempt, random, expected] of jitterCases) {
      it(title, () =>
        assert.equal(retryDelayMs(jittered, failedAttempt, { random: () => random }), expected),
      );
    }

    it('stays within [delay * (1 - jitter), delay] with the real random source', () => {
      for (let i = 0; i < 1000; i++) {
        const delay = retryDelayMs(schedule([10_000], 0.3), 1);
        assert.ok(delay >= 7000 && delay <= 10_000, `${delay}`);
      }
    });
  });

  describe('RetryAfterError', () => {
    it('overrides the policy with the delay it asks for', () => {
      assert.equal(retryDelayMs(exponential(1000), 4, { error: new RetryAfterError('429', 30_000) }), 30_000);
      assert.equal(retryDelayMs(webhook, 3, { error: new RetryAfterError('429', 1500) }), 1500);
    });

    it('is not jittered', () => {
      const error = new RetryAfterError('429', 1000);
      assert.equal(retryDelayMs(schedule([5000], 1), 1, { error, random: () => 0.5 }), 1000);
    });

    it('a negative or non-finite retry-after means no delay, an enormous one is capped', () => {
      assert.equal(retryDelayMs(fixed(100), 1, { error: new RetryAfterError('429', -1) }), 0);
      assert.equal(retryDelayMs(fixed(100), 1, { error: new RetryAfterError('429', Number.NaN) }), 0);
      assert.equal(
        retryDelayMs(fixed(100), 1, { error: new RetryAfterError('429', Number.POSITIVE_INFINITY) }),
        MAX_RETRY_DELAY_MS,
      );
    });

    it('other errors leave the policy in charge', () => {
      assert.equal(retryDelayMs(fixed(100), 1, { error: new Error('500') }), 100);
    });
  });
});
