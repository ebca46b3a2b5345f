/**
 * Durable record of Idempotency-Key use, scoped to the credential. Adapters: SQLite (embedded default,
 * same file as the events) and MongoDB (production). Records live at least 24 hours.
 */

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  state: 'in_flight' | 'completed';
  response?: StoredResponse;
  /** An in-flight claim older than this is considered abandoned (crashed process) and can be re-claimed. */
  lockedUntil: number;
  expiresAt: number;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'in_flight'; record: IdempotencyRecord }
  | { outcome: 'completed'; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Atomically claims (scope, key) for a new request, unless a live record exists: then it reports the
   * record (completed, or still in flight). The caller compares requestHash for 422.
   */
  claim(input: { scope: string; key: string; requestHash: string; now: number; lockMs: number; ttlMs: number }): Promise<ClaimResult>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets an in-flight claim whose request failed without effect, so the client may retry. */
  release(scope: string, key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
