import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteFile } from '../sqlite/sqlite-file';
import type { IdempotencyStore } from './idempotency-store';
import { MongoIdempotencyStore } from './mongo-idempotency-store';
import { SqliteIdempotencyStore, type SqliteIdempotencyStoreOptions } from './sqlite-idempotency-store';

export interface IdempotencyStoreSettings {
  /**
   * The embedded event store's file: when given, records live next to the events, so one group sync
   * covers a command's events and its recorded answer (docs/decisions/0017-group-commit.md).
   */
  eventStoreFile?: SqliteFile;
  /** Otherwise, when set, records go to MongoDB; otherwise to the SQLite file at sqlitePath. */
  mongoUrl?: string;
  database: string;
  sqlitePath: string;
  sqliteSynchronous?: SqliteIdempotencyStoreOptions['synchronous'];
}

export const createIdempotencyStore = async (
  settings: IdempotencyStoreSettings,
): Promise<IdempotencyStore> => {
  if (settings.eventStoreFile) return new SqliteIdempotencyStore(settings.eventStoreFile);
  if (settings.mongoUrl) return MongoIdempotencyStore.connect(settings.mongoUrl, settings.database);
  if (settings.sqlitePath !== ':memory:') mkdirSync(dirname(settings.sqlitePath), { recursive: true });
  return new SqliteIdempotencyStore(
    settings.sqlitePath,
    settings.sqliteSynchronous ? { synchronous: settings.sqliteSynchronous } : {},
  );
};
