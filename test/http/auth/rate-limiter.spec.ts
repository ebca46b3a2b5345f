import assert from 'node:assert/strict';
import { TokenBucketRateLimiter } from '../../../src/http/auth/rate-limiter';

const t0 = Date.parse('2026-01-15T10:00:00.000Z');
const second = 1000;

describe('TokenBucketRateLimiter', () => {
  it('allows a burst up to capacity, then refuses with Retry-After', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 3, refillPerMinute: 60 });
    assert.deepEqual(limiter.take('k', t0), { allowed: true, remaining: 2 });
    assert.deepEqual(limiter.take('k', t0), { allowed: true, remaining: 1 });
    assert.deepEqual(limiter.take('k', t0), { allowed: true, remaining: 0 });
    assert.deepEqual(limiter.take('k', t0), { allowed: false, retryAfterSeconds: 1 });
  });

  it('peek answers what take would, without taking', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 60 });
    assert.deepEqual(limiter.peek('ip', 0), { allowed: true, remaining: 1 });
    assert.deepEqual(limiter.peek('ip', 0), { allowed: true, remaining: 1 });
    assert.equal(limiter.take('ip', 0).allowed, true);
    assert.deepEqual(limiter.peek('ip', 0), { allowed: false, retryAfterSeconds: 1 });
    assert.equal(limiter.peek('ip', 1_000).allowed, true);
  });

  it('refills continuously at the configured rate', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 2, refillPerMinute: 6 });
    limiter.take('k', t0);
    limiter.take('k', t0);
    assert.deepEqual(limiter.take('k', t0), { allowed: false, retryAfterSeconds: 10 });
    assert.deepEqual(limiter.take('k', t0 + 4 * second), { allowed: false, retryAfterSeconds: 6 });
    assert.deepEqual(limiter.take('k', t0 + 10 * second), { allowed: true, remaining: 0 });
    assert.equal(limiter.take('k', t0 + 10 * second).allowed, false);
  });

  it('never holds more than capacity however long idle', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 2, refillPerMinute: 600 });
    limiter.take('k', t0);
    const later = t0 + 3600 * second;
    assert.equal(limiter.take('k', later).allowed, true);
    assert.equal(limiter.take('k', later).allowed, true);
    assert.equal(limiter.take('k', later).allowed, false);
  });

  it('keeps buckets apart', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 1 });
    assert.equal(limiter.take('a', t0).allowed, true);
    assert.equal(limiter.take('a', t0).allowed, false);
    assert.equal(limiter.take('b', t0).allowed, true);
  });

  it('rounds Retry-After up to whole seconds, at least one', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 7 });
    limiter.take('k', t0);
    // One token takes 60/7 = 8.57 s.
    assert.deepEqual(limiter.take('k', t0), { allowed: false, retryAfterSeconds: 9 });
    assert.deepEqual(limiter.take('k', t0 + 8_500), { allowed: false, retryAfterSeconds: 1 });
  });

  it('refills nothing when the clock steps back', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 60 });
    limiter.take('k', t0);
    assert.equal(limiter.take('k', t0 - 60 * second).allowed, false);
    assert.equal(limiter.take('k', t0 + second).allowed, true);
  });

  it('forgets buckets once they are full again', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 2, refillPerMinute: 60 });
    for (let i = 0; i < 100; i += 1) limiter.take(`idle-${i}`, t0);
    assert.equal(limiter.size, 100);
    limiter.take('fresh', t0 + 2 * second);
    assert.equal(limiter.size, 1);
  });

  it('bounds memory by evicting the least recently used bucket', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 1, maxBuckets: 3 });
    limiter.take('a', t0);
    limiter.take('b', t0);
    limiter.take('c', t0);
    limiter.take('a', t0);
    limiter.take('d', t0);
    assert.equal(limiter.size, 3);
    assert.equal(limiter.take('a', t0).allowed, false, 'a was used recently and kept its empty bucket');
    assert.equal(limiter.take('b', t0).allowed, true, 'b was evicted, so it starts full');
  });

  it('refuses nonsensical settings', () => {
    assert.throws(() => new TokenBucketRateLimiter({ capacity: 0, refillPerMinute: 1 }), RangeError);
    assert.throws(() => new TokenBucketRateLimiter({ capacity: 1.5, refillPerMinute: 1 }), RangeError);
    assert.throws(() => new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 0 }), RangeError);
    assert.throws(
      () => new TokenBucketRateLimiter({ capacity: 1, refillPerMinute: 1, maxBuckets: 0 }),
      RangeError,
    );
  });
});
