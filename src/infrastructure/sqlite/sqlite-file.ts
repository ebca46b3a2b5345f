import Database from 'better-sqlite3';
import { WalGroupCommit } from './wal-group-commit';

const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export interface SqliteFileOptions {
  /**
   * FULL: an acknowledged write survives power loss (each waits for a group sync of the WAL);
   * NORMAL: it survives a killed process only (WAL mode writes at commit, syncs at checkpoints).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * One SQLite file in WAL mode, shared by the stores that live in it (events, idempotency records), so
 * the writes of one command reach the disk with a single sync. The connection itself never syncs at
 * commit; under FULL, `durable()` waits for a group sync done off the event loop.
 */
export class SqliteFile {
  readonly db: Database.Database;
  private readonly groupCommit: WalGroupCommit | undefined;

  /** `path` is a file name, or `:memory:` for a private in-memory file (nothing to sync). */
  constructor(path: string, options: SqliteFileOptions = {}) {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
      throw new Error(`bad synchronous: ${synchronous}`);
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // A checkpoint runs inside the commit that crosses the threshold, on the event loop, and syncs the
      // database file. SQLite's default (1,000 pages, 4 MB) meant one every ~150 commands under load;
      // 10,000 pages (40 MB of WAL at most between checkpoints) writes each hot page back once, not ten times.
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const inMemory = path === ':memory:' || path === '';
    this.groupCommit = synchronous === 'FULL' && !inMemory ? new WalGroupCommit(`${path}-wal`) : undefined;
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Resolves once every commit made on this connection before the call is on disk (under FULL). */
  durable(): Promise<void> {
    return this.groupCommit ? this.groupCommit.synced() : Promise.resolve();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.groupCommit?.close();
    this.db.close();
  }
}
