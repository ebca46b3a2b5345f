import Database from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer';
import { WalGroupCommit } from './wal-group-commit';

const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/**
 * With a checkpoint thread, the connection's own checkpoint only bounds the WAL should that thread stop or
 * fall behind: the thread copies about a second of writes at a time, far below this.
 */
const WAL_AUTOCHECKPOINT_BACKSTOP_PAGES = 40_000;
const CHECKPOINT_INTERVAL_MS = 1_000;

export interface SqliteFileOptions {
  /**
   * FULL: an acknowledged write survives power loss (each waits for a group sync of the WAL);
   * NORMAL: it survives a killed process only (WAL mode writes at commit, syncs at checkpoints).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * How often a worker thread checkpoints the WAL (default 1 s); 0 leaves checkpoints to the connection,
   * inside the commit that crosses 10,000 pages, on the event loop (docs/decisions/0041).
   */
  checkpointIntervalMs?: number;
}

interface QueuedWrite {
  run: () => unknown;
  savepoint: boolean;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * One SQLite file in WAL mode, shared by the stores that live in it (events, idempotency records), so
 * the writes of one command reach the disk with a single sync. Writes queued in one turn of the event
 * loop share one transaction (`write`), and the connection never syncs at commit; under FULL,
 * `durable()` waits for a group sync done off the event loop (docs/decisions/0034).
 */
export class SqliteFile {
  readonly db: Database.Database;
  private readonly groupCommit: WalGroupCommit | undefined;
  /** Started with the first write through `write`: a process that only reads (a CLI audit) runs no thread. */
  private checkpointer: WalCheckpointer | undefined;
  private readonly startCheckpointer: (() => WalCheckpointer) | undefined;
  private queued: QueuedWrite[] = [];
  private committedBatches = 0;
  private closing: Promise<void> | undefined;
  private readonly runBatch: Database.Transaction<(writes: readonly QueuedWrite[]) => Outcome[]>;
  /** One write: its own transaction at the top level, a SAVEPOINT inside a batch. */
  private readonly runOne: Database.Transaction<(write: QueuedWrite) => unknown>;

  /** `path` is a file name, or `:memory:` for a private in-memory file (nothing to sync). */
  constructor(path: string, options: SqliteFileOptions = {}) {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
      throw new Error(`bad synchronous: ${synchronous}`);
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    } catch (error) {
      this.db.close();
      throw error;
    }
    const inMemory = path === ':memory:' || path === '';
    const intervalMs = options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.startCheckpointer =
      inMemory || intervalMs === 0 ? undefined : () => new WalCheckpointer(path, { intervalMs });
    // The connection's own checkpoint runs inside the commit that crosses the threshold, on the event loop,
    // and syncs the database file. SQLite's default (1,000 pages, 4 MB) meant one every ~150 commands under
    // load; 10,000 pages writes each hot page back once, not ten times, but stalls the loop ~90 ms.
    this.db.pragma(
      `wal_autocheckpoint = ${this.startCheckpointer ? WAL_AUTOCHECKPOINT_BACKSTOP_PAGES : WAL_AUTOCHECKPOINT_PAGES}`,
    );
    this.groupCommit = synchronous === 'FULL' && !inMemory ? new WalGroupCommit(`${path}-wal`) : undefined;
    // Inside the batch's transaction, a better-sqlite3 transaction function is a SAVEPOINT: a write
    // that throws undoes its own changes only, and the others commit.
    this.runOne = this.db.transaction((write: QueuedWrite) => write.run());
    const savepoint = this.runOne;
    this.runBatch = this.db.transaction((writes: readonly QueuedWrite[]) =>
      writes.map((write): Outcome => {
        try {
          return { ok: true, value: write.savepoint ? savepoint(write) : write.run() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /**
   * Runs `run` (synchronous statements) in this turn's write transaction: every write queued before the
   * next turn of the loop shares one BEGIN IMMEDIATE ... COMMIT, taken and released within that turn, so
   * the write lock is never held across callbacks. Resolves with `run`'s result once committed (written
   * to the WAL: it survives a killed process); `durable()` then waits for the sync. A `run` that throws
   * rejects alone, its changes rolled back; a batch that cannot commit rejects every write in it.
   * `singleStatement`: `run` executes one writing statement at most, which SQLite undoes by itself when
   * it fails, so it needs no savepoint of its own.
   */
  write<T>(run: () => T, options: { singleStatement?: boolean } = {}): Promise<T> {
    if (!this.db.open) return Promise.reject(new Error('the SQLite file is closed'));
    const savepoint = options.singleStatement !== true;
    if (this.checkpointer === undefined && this.closing === undefined)
      this.checkpointer = this.startCheckpointer?.();
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ run, savepoint, resolve: resolve as (result: unknown) => void, reject });
      if (this.queued.length === 1) setImmediate(() => this.commitQueued());
    });
  }

  private commitAlone(write: QueuedWrite): void {
    let value: unknown;
    try {
      if (!this.db.open) throw new Error('the SQLite file is closed');
      value = this.runOne.immediate(write);
    } catch (error) {
      write.reject(error);
      return;
    }
    this.committedBatches += 1;
    write.resolve(value);
  }

  private commitQueued(): void {
    const writes = this.queued;
    this.queued = [];
    if (writes.length === 0) return;
    // Alone in its turn (no concurrency): no savepoint, its failure rolls back the transaction.
    if (writes.length === 1) return this.commitAlone(writes[0] as QueuedWrite);
    let outcomes: Outcome[];
    try {
      if (!this.db.open) throw new Error('the SQLite file is closed');
      outcomes = this.runBatch.immediate(writes);
      this.committedBatches += 1;
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, index) => {
      const outcome = outcomes[index] as Outcome;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Write batches committed so far on this connection: what was read before one may be shorter now. */
  get commits(): number {
    return this.committedBatches;
  }

  /** WAL frames the checkpoint thread's latest checkpoint found in the database file (0 without one). */
  get checkpointedFrames(): number {
    return this.checkpointer?.frames ?? 0;
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Resolves once every commit made on this connection before the call is on disk (under FULL). */
  durable(): Promise<void> {
    // Closing syncs every commit before it closes the connection.
    if (this.closing) return this.closing;
    return this.groupCommit ? this.groupCommit.synced() : Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    if (!this.db.open) return;
    // Writes already queued are committed and synced, not dropped.
    this.commitQueued();
    await this.groupCommit?.synced();
    await this.groupCommit?.close();
    // Before the last connection closes, which checkpoints what is left and removes the WAL.
    await this.checkpointer?.close();
    this.db.close();
  }
}
