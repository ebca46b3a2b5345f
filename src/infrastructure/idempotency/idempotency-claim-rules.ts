import type { ClaimResult, IdempotencyRecord } from './idempotency-store';

/**
 * The claim rules every adapter applies, so they agree at the boundaries: a record is live until the
 * instant after expiresAt, an in-flight lock holds until the instant after lockedUntil.
 */

export interface ClaimInput {
  scope: string;
  key: string;
  requestHash: string;
  now: number;
  lockMs: number;
  ttlMs: number;
}

export const isExpired = (record: Pick<IdempotencyRecord, 'expiresAt'>, now: number): boolean =>
  record.expiresAt < now;

export const canTakeOver = (
  record: Pick<IdempotencyRecord, 'state' | 'lockedUntil' | 'expiresAt'>,
  now: number,
): boolean => isExpired(record, now) || (record.state === 'in_flight' && record.lockedUntil < now);

export const newClaim = (input: ClaimInput): IdempotencyRecord => ({
  scope: input.scope,
  key: input.key,
  requestHash: input.requestHash,
  state: 'in_flight',
  lockedUntil: input.now + input.lockMs,
  expiresAt: input.now + input.ttlMs,
});

/** What a claim that found a live record answers. */
export const reportLive = (record: IdempotencyRecord): ClaimResult =>
  record.state === 'completed' ? { outcome: 'completed', record } : { outcome: 'in_flight', record };
