/**
 * Durable record of Idempotency-Key use, scoped to the credential. Adapters: SQLite (embedded default; the
 * events' file or its own) and MongoDB (production). Every adapter passes
 * test/infrastructure/idempotency-store.contract.ts. Times are epoch milliseconds from the injected clock.
 */

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What `complete` records: the response, and its body's JSON when the caller has serialized it already. */
export interface CompletedResponse extends StoredResponse {
  bodyJson?: string;
}

/** The JSON a store records for a response, `JSON.stringify({ status, body, headers })`, the body's given JSON spliced in. */
export const responseJson = ({ status, body, headers, bodyJson }: CompletedResponse): string =>
  bodyJson === undefined
    ? JSON.stringify({ status, body, headers })
    : `{"status":${JSON.stringify(status)},"body":${bodyJson},"headers":${JSON.stringify(headers)}}`;

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  state: 'in_flight' | 'completed';
  response?: StoredResponse;
  /** An in-flight claim whose lockedUntil is in the past is abandoned (crashed process) and can be re-claimed. */
  lockedUntil: number;
  /** A record whose expiresAt is in the past is treated as absent, whatever its state. */
  expiresAt: number;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'in_flight'; record: IdempotencyRecord }
  | { outcome: 'completed'; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Atomically claims (scope, key) for a new request: inserts it when absent, or takes over an expired
   * record or an in-flight record whose lock expired. Otherwise reports the live record (completed, or
   * still in flight) untouched. The caller compares requestHash to answer 422 for another body.
   * Of many concurrent claims of one key, exactly one gets 'claimed'.
   */
  claim(input: {
    scope: string;
    key: string;
    requestHash: string;
    now: number;
    lockMs: number;
    ttlMs: number;
  }): Promise<ClaimResult>;
  /** Stores the answer to replay; the record keeps the expiry set by its claim. */
  complete(scope: string, key: string, response: CompletedResponse): Promise<void>;
  /** Forgets an in-flight claim whose request failed without effect, so the client may retry. Never a completed one. */
  release(scope: string, key: string): Promise<void>;
  /**
   * Deletes records that expired before `now` and returns how many. Expired records are already treated
   * as absent; this only reclaims space (MongoDB's TTL index does it on its own as well).
   */
  purgeExpired(now: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
