import Database from 'better-sqlite3';
import type { GlobalPosition } from '../event-store/event-store';
import { SqliteFile } from '../sqlite/sqlite-file';

export interface StoredCheckpoint {
  position: GlobalPosition;
  projections: string[];
}

interface Row {
  position: string;
  projections: string;
}

/**
 * Subscribers' checkpoints in a SQLite file, for the embedded default, whose read store forgets everything
 * at exit: without it the webhook dispatcher would replay its whole history on every start. NORMAL
 * synchronous: a checkpoint lost to a power cut only replays events, which every subscriber handles
 * idempotently.
 */
export class SqliteCheckpointFile {
  private readonly db: Database.Database;
  private readonly ownsConnection: boolean;
  private readonly select: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[string, string, string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly write: (run: () => unknown) => Promise<unknown>;

  /**
   * `path` is a file name, or `:memory:`; or the event store's own connection or file, so that saving a
   * checkpoint is not a commit by another connection (which would drop that store's cached stream heads).
   */
  constructor(source: string | Database.Database | SqliteFile) {
    const pathOrConnection = source instanceof SqliteFile ? source.db : source;
    // On the event store's file, a save joins that turn's write batch instead of committing on its own.
    this.write =
      source instanceof SqliteFile
        ? (run) => source.write(run, { singleStatement: true })
        : async (run) => run();
    this.ownsConnection = typeof pathOrConnection === 'string';
    this.db =
      typeof pathOrConnection === 'string'
        ? new Database(pathOrConnection, { timeout: 5000 })
        : pathOrConnection;
    try {
      if (this.ownsConnection) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
      }
      this.db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
        name TEXT PRIMARY KEY,
        position TEXT NOT NULL,
        projections TEXT NOT NULL
      ) WITHOUT ROWID`);
    } catch (error) {
      if (this.ownsConnection) this.db.close();
      throw error;
    }
    this.select = this.db.prepare('SELECT position, projections FROM checkpoints WHERE name = ?');
    this.upsert = this.db.prepare(
      `INSERT INTO checkpoints (name, position, projections) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, projections = excluded.projections`,
    );
    this.remove = this.db.prepare('DELETE FROM checkpoints WHERE name = ?');
  }

  /** The checkpoint store of one subscriber, by name. */
  for(name: string) {
    return {
      load: async (): Promise<StoredCheckpoint | undefined> => {
        const row = this.select.get(name);
        return row === undefined
          ? undefined
          : { position: BigInt(row.position), projections: JSON.parse(row.projections) as string[] };
      },
      save: async (checkpoint: StoredCheckpoint): Promise<void> => {
        const projections = JSON.stringify(checkpoint.projections);
        await this.write(() => this.upsert.run(name, checkpoint.position.toString(), projections));
      },
      clear: async (): Promise<void> => {
        await this.write(() => this.remove.run(name));
      },
    };
  }

  close(): void {
    if (this.ownsConnection && this.db.open) this.db.close();
  }
}
