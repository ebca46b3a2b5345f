import type Database from 'better-sqlite3';
import { SqliteFile } from '../sqlite/sqlite-file';
import { canTakeOver, newClaim, reportLive, type ClaimInput } from './idempotency-claim-rules';
import {
  responseJson,
  type ClaimResult,
  type CompletedResponse,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency-store';

export interface SqliteIdempotencyStoreOptions {
  /** For a file of its own. FULL survives power loss; NORMAL (with WAL) may lose the last commits, never corrupts. */
  synchronous?: 'FULL' | 'NORMAL';
}

interface Row {
  scope: string;
  key: string;
  request_hash: string;
  state: 'in_flight' | 'completed';
  response_json: string | null;
  locked_until: number;
  expires_at: number;
}

const schema = `
  CREATE TABLE IF NOT EXISTS idempotency_records (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
    response_json TEXT,
    locked_until INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS idempotency_records_expires_at ON idempotency_records (expires_at);
`;

const toRecord = (row: Row): IdempotencyRecord => ({
  scope: row.scope,
  key: row.key,
  requestHash: row.request_hash,
  state: row.state,
  ...(row.response_json === null ? {} : { response: JSON.parse(row.response_json) as StoredResponse }),
  lockedUntil: row.locked_until,
  expiresAt: row.expires_at,
});

/**
 * Idempotency records in a SQLite file: its own, or the event store's SqliteFile (the table name is its
 * own). On the event store's file, the answer recorded by complete() reaches the disk in the same group
 * sync as the events it answers for: one sync per batch of commands, not one per store.
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly file: SqliteFile;
  /** Closed with the store only when the store opened it. */
  private readonly ownsFile: boolean;
  private readonly db: Database.Database;
  private readonly selectRecord: Database.Statement<[string, string], Row>;
  private readonly insertClaim: Database.Statement<[IdempotencyRecord]>;
  private readonly upsertClaim: Database.Statement<[IdempotencyRecord]>;
  private readonly completeRecord: Database.Statement<[string, string, string]>;
  private readonly releaseRecord: Database.Statement<[string, string]>;
  private readonly deleteExpired: Database.Statement<[number]>;
  private readonly claimTransaction: (input: ClaimInput) => ClaimResult;
  private closed = false;

  constructor(fileOrPath: string | SqliteFile, options: SqliteIdempotencyStoreOptions = {}) {
    this.ownsFile = typeof fileOrPath === 'string';
    this.file = typeof fileOrPath === 'string' ? new SqliteFile(fileOrPath, options) : fileOrPath;
    this.db = this.file.db;
    this.db.exec(schema);
    this.selectRecord = this.db.prepare('SELECT * FROM idempotency_records WHERE scope = ? AND key = ?');
    this.insertClaim = this.db.prepare(`
      INSERT INTO idempotency_records (scope, key, request_hash, state, response_json, locked_until, expires_at)
      VALUES (@scope, @key, @requestHash, 'in_flight', NULL, @lockedUntil, @expiresAt)
      ON CONFLICT (scope, key) DO NOTHING`);
    this.upsertClaim = this.db.prepare(`
      INSERT INTO idempotency_records (scope, key, request_hash, state, response_json, locked_until, expires_at)
      VALUES (@scope, @key, @requestHash, 'in_flight', NULL, @lockedUntil, @expiresAt)
      ON CONFLICT (scope, key) DO UPDATE SET
        request_hash = excluded.request_hash, state = 'in_flight', response_json = NULL,
        locked_until = excluded.locked_until, expires_at = excluded.expires_at`);
    this.completeRecord = this.db.prepare(`
      UPDATE idempotency_records SET state = 'completed', response_json = ?
      WHERE scope = ? AND key = ? AND state = 'in_flight'`);
    this.releaseRecord = this.db.prepare(
      "DELETE FROM idempotency_records WHERE scope = ? AND key = ? AND state = 'in_flight'",
    );
    this.deleteExpired = this.db.prepare('DELETE FROM idempotency_records WHERE expires_at < ?');
    // Runs in the file's write batch, which holds the write lock (BEGIN IMMEDIATE) before the read, so
    // another connection (another process or instance on the same file) cannot claim between our look
    // and our write. A fresh key (nearly every request) is claimed by the INSERT alone: it inserts
    // nothing when any record holds the key, and only then is that record looked at.
    this.claimTransaction = (input) => {
      if (this.insertClaim.run(newClaim(input)).changes === 1) return { outcome: 'claimed' };
      const row = this.selectRecord.get(input.scope, input.key);
      if (row && !canTakeOver(toRecord(row), input.now)) return reportLive(toRecord(row));
      this.upsertClaim.run(newClaim(input));
      return { outcome: 'claimed' };
    };
  }

  // Claims, answers and the events they answer for share the file's write batches: one commit per turn
  // of the loop for all of them. A claim is committed without waiting for a sync (the WAL is written at
  // commit, so it survives a killed process). The complete() that follows waits for one, which covers
  // the claim and the command's events as well. A claim lost to a power cut was never answered, and its
  // retry is safe: events carry the Idempotency-Key, so the command handler does not apply them twice.
  async claim(input: ClaimInput): Promise<ClaimResult> {
    this.assertOpen();
    // One change at most: the INSERT, or (when it inserted nothing) the take-over's upsert.
    return this.file.write(() => this.claimTransaction(input), { singleStatement: true });
  }

  async complete(scope: string, key: string, response: CompletedResponse): Promise<void> {
    this.assertOpen();
    const json = responseJson(response);
    await this.file.write(() => this.completeRecord.run(json, scope, key), { singleStatement: true });
    await this.file.durable();
  }

  async release(scope: string, key: string): Promise<void> {
    this.assertOpen();
    await this.file.write(() => this.releaseRecord.run(scope, key), { singleStatement: true });
  }

  async purgeExpired(now: number): Promise<number> {
    this.assertOpen();
    return this.deleteExpired.run(now).changes;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  /** Closes the file only when the store opened it; a shared file stays open for the event store. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsFile) await this.file.close();
  }

  private assertOpen(): void {
    if (this.closed || !this.file.open) throw new Error('the idempotency store is closed');
  }
}
