/**
 * Token buckets keyed by credential (or client address). Each bucket holds up to `capacity` requests and
 * refills `refillPerMinute` tokens a minute, continuously. State lives in this process: with N API
 * replicas each enforces its own buckets, so a client may get up to N times the rate in total. That is
 * accepted for abuse protection; an exact global quota would need a shared store (Redis).
 */

export interface TokenBucketOptions {
  capacity: number;
  refillPerMinute: number;
  /** Upper bound on tracked keys; the least recently used bucket goes first. */
  maxBuckets?: number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const defaultMaxBuckets = 100_000;
// Refill arithmetic is floating point: a client that waits exactly Retry-After must not miss by 1e-16.
const epsilon = 1e-9;

export class TokenBucketRateLimiter {
  private readonly capacity: number;
  private readonly tokensPerMs: number;
  private readonly maxBuckets: number;
  /** Most recently used last: a Map iterates in insertion order and take() reinserts. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: TokenBucketOptions) {
    if (!(Number.isInteger(options.capacity) && options.capacity >= 1)) {
      throw new RangeError('capacity must be a positive integer');
    }
    if (!(options.refillPerMinute > 0 && Number.isFinite(options.refillPerMinute))) {
      throw new RangeError('refillPerMinute must be positive');
    }
    const maxBuckets = options.maxBuckets ?? defaultMaxBuckets;
    if (!(Number.isInteger(maxBuckets) && maxBuckets >= 1))
      throw new RangeError('maxBuckets must be a positive integer');
    this.capacity = options.capacity;
    this.tokensPerMs = options.refillPerMinute / 60_000;
    this.maxBuckets = maxBuckets;
  }

  /** Takes one token for `key` at `now` (epoch ms, from the injected clock). */
  take(key: string, now: number): TakeResult {
    this.evictRefilled(now);
    const bucket = this.refilled(this.buckets.get(key), now);
    this.buckets.delete(key);
    if (bucket.tokens >= 1 - epsilon) {
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      this.remember(key, bucket);
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    this.remember(key, bucket);
    const waitMs = (1 - bucket.tokens) / this.tokensPerMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** What take() would answer now, without taking: for limits that count only some requests (failures). */
  peek(key: string, now: number): TakeResult {
    const bucket = this.refilled(this.buckets.get(key), now);
    if (bucket.tokens >= 1 - epsilon) return { allowed: true, remaining: Math.floor(bucket.tokens) };
    const waitMs = (1 - bucket.tokens) / this.tokensPerMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** How many keys are tracked; for tests and metrics. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.capacity, updatedAt: now };
    // A clock that steps back refills nothing rather than draining.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return {
      tokens: Math.min(this.capacity, bucket.tokens + elapsed * this.tokensPerMs),
      updatedAt: Math.max(now, bucket.updatedAt),
    };
  }

  private remember(key: string, bucket: Bucket): void {
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }

  // A bucket idle long enough to be full again is the same as no bucket, so dropping it changes nothing.
  // Idle buckets sit at the front of the Map, so the sweep stops at the first one still refilling.
  private evictRefilled(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens < this.capacity) return;
      this.buckets.delete(key);
    }
  }
}
