import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteFile } from '../sqlite/sqlite-file';
import type { IdempotencyStore } from './idempotency-store';
import type * as MongoAdapter from './mongo-idempotency-store';
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

// Loaded on first use, not at start: the embedded default never loads the production clients (a
// third of its cold start). require, not import(): one module instance under tsc's CommonJS and tsx alike.
const mongoIdempotencyStore = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./mongo-idempotency-store') as typeof MongoAdapter).MongoIdempotencyStore;

export const createIdempotencyStore = async (
  settings: IdempotencyStoreSettings,
): Promise<IdempotencyStore> => {
  if (settings.eventStoreFile) return new SqliteIdempotencyStore(settings.eventStoreFile);
  if (settings.mongoUrl) return mongoIdempotencyStore().connect(settings.mongoUrl, settings.database);
  if (settings.sqlitePath !== ':memory:') mkdirSync(dirname(settings.sqlitePath), { recursive: true });
  return new SqliteIdempotencyStore(
    settings.sqlitePath,
    settings.sqliteSynchronous ? { synchronous: settings.sqliteSynchronous } : {},
  );
};
