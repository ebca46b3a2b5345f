import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IdempotencyStore } from './idempotency-store';
import { MongoIdempotencyStore } from './mongo-idempotency-store';
import { SqliteIdempotencyStore, type SqliteIdempotencyStoreOptions } from './sqlite-idempotency-store';

export interface IdempotencyStoreSettings {
  /** When set, records go to MongoDB; otherwise to the SQLite file at sqlitePath. */
  mongoUrl?: string;
  database: string;
  sqlitePath: string;
  sqliteSynchronous?: SqliteIdempotencyStoreOptions['synchronous'];
}

export const createIdempotencyStore = async (
  settings: IdempotencyStoreSettings,
): Promise<IdempotencyStore> => {
  if (settings.mongoUrl) return MongoIdempotencyStore.connect(settings.mongoUrl, settings.database);
  if (settings.sqlitePath !== ':memory:') mkdirSync(dirname(settings.sqlitePath), { recursive: true });
  return new SqliteIdempotencyStore(
    settings.sqlitePath,
    settings.sqliteSynchronous ? { synchronous: settings.sqliteSynchronous } : {},
  );
};
