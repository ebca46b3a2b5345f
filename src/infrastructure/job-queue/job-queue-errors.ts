/**
 * Throw from a job handler to retry after exactly `retryAfterMs` (e.g. a partner's 429 Retry-After)
 * instead of the policy's delay. It still counts as a failed attempt.
 */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A bad queue name, job id, retry policy or worker option: a programming error, not a transient one. */
export class InvalidJobOptionsError extends Error {
  override readonly name = 'InvalidJobOptionsError';
}

export class JobQueueClosedError extends Error {
  override readonly name = 'JobQueueClosedError';
  constructor() {
    super('the job queue is closed');
  }
}

/** The backend (Redis) cannot be reached right now; callers answer 503 or retry later. */
export class JobQueueUnavailableError extends Error {
  override readonly name = 'JobQueueUnavailableError';
}
