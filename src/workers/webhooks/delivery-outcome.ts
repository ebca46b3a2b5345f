import { delayAfterAttempt } from '../../domain/webhook-delivery/retry-schedule';
import type { WebhookPostResult } from '../../webhooks/webhook-sender';

/** Never wait longer than the schedule's longest step, whatever Retry-After asks. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export type AttemptVerdict =
  | { kind: 'succeeded' }
  /** 410 Gone: the endpoint asks us to stop; the subscription is disabled. */
  | { kind: 'gone' }
  /** Failing for longer than allowed without a success: the subscription is disabled. */
  | { kind: 'failing_too_long'; failingSince: string }
  | { kind: 'exhausted' }
  | { kind: 'retry'; delayMs: number; retryAfter: boolean };

export interface VerdictInput {
  result: WebhookPostResult;
  /** 1-based attempt in the round, the one just made. */
  attempt: number;
  schedule: readonly number[];
  attemptedAt: Date;
  /** From the subscription's delivery health; null when it has not been failing. */
  failingSince: string | null;
  disableAfterMs: number;
}

export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/** What an attempt's answer means for the delivery: a pure function of the answer and the schedule. */
export const judgeAttempt = (input: VerdictInput): AttemptVerdict => {
  const { result, attempt, schedule, attemptedAt } = input;
  if (isSuccess(result.statusCode)) return { kind: 'succeeded' };
  if (result.statusCode === 410) return { kind: 'gone' };
  const failingSince = input.failingSince ?? attemptedAt.toISOString();
  if (attemptedAt.getTime() - Date.parse(failingSince) >= input.disableAfterMs) {
    return { kind: 'failing_too_long', failingSince };
  }
  const nominal = delayAfterAttempt(schedule, attempt);
  if (nominal === undefined) return { kind: 'exhausted' };
  const honoursRetryAfter =
    (result.statusCode === 429 || result.statusCode === 503) && result.retryAfterMs !== null;
  return honoursRetryAfter
    ? { kind: 'retry', delayMs: Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS), retryAfter: true }
    : { kind: 'retry', delayMs: nominal, retryAfter: false };
};
