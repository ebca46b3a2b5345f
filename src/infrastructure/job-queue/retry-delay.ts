import type { BackoffPolicy } from './job-queue';
import { RetryAfterError } from './job-queue-errors';

export interface RetryDelayOptions {
  /** What the failed attempt threw: a RetryAfterError overrides the policy. */
  error?: unknown;
  /** Returns a number in [0, 1); injected for deterministic jitter. */
  random?: () => number;
}

/**
 * Milliseconds to wait before retrying after attempt `failedAttempt` (1-based) failed.
 * Shared by every adapter so that they all retry on the same schedule.
 */
export const retryDelayMs = (
  backoff: BackoffPolicy,
  failedAttempt: number,
  options: RetryDelayOptions = {},
): number => {
  if (options.error instanceof RetryAfterError) return wholeMs(options.error.retryAfterMs);
  const n = failedAttempt >= 1 ? Math.floor(failedAttempt) : 1;
  switch (backoff.type) {
    case 'exponential':
      return wholeMs(backoff.baseDelayMs * 2 ** (n - 1));
    case 'fixed':
      return wholeMs(backoff.delayMs);
    case 'schedule': {
      const nominal = backoff.delaysMs[Math.min(n, backoff.delaysMs.length) - 1] ?? 0;
      const random = options.random ?? Math.random;
      return wholeMs(nominal * (1 - (backoff.jitter ?? 0) * random()));
    }
    default: {
      const unreachable: never = backoff;
      throw new Error(`unknown backoff ${JSON.stringify(unreachable)}`);
    }
  }
};

/** About 24.8 days: the longest delay a Node.js timer can hold, and far beyond any sensible retry. */
export const MAX_RETRY_DELAY_MS = 2 ** 31 - 1;

const wholeMs = (ms: number): number => (ms > 0 ? Math.min(Math.round(ms), MAX_RETRY_DELAY_MS) : 0);
