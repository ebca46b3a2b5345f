import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventStore } from './event-store';
import type * as EventStoreDbAdapter from './eventstoredb-event-store';
import { SqliteEventStore } from './sqlite-event-store';

export interface EventStoreSettings {
  /** `esdb://...`, `esdb+discover://...`, `sqlite:<path>` or `sqlite::memory:`; unset: SQLite in `dataDir`. */
  url?: string;
  dataDir: string;
  synchronous?: 'FULL' | 'NORMAL';
}

const SQLITE_PREFIX = 'sqlite:';
const MEMORY = ':memory:';

const openSqlite = (path: string, synchronous: EventStoreSettings['synchronous']): SqliteEventStore => {
  if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
  return new SqliteEventStore(path, { synchronous });
};

// Loaded on first use, not at start: the embedded default never loads the production clients (a
// third of its cold start). require, not import(): one module instance under tsc's CommonJS and tsx alike.
const eventStoreDb = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./eventstoredb-event-store') as typeof EventStoreDbAdapter).EventStoreDbEventStore;

/** The SQLite file the settings name, or undefined for EventStoreDB and an in-memory SQLite store. */
export const sqliteEventStoreFile = ({ url, dataDir }: EventStoreSettings): string | undefined => {
  if (url === undefined || url === '') return join(dataDir, 'edgepay.sqlite');
  if (!url.startsWith(SQLITE_PREFIX)) return undefined;
  const path = url.slice(SQLITE_PREFIX.length);
  return path === '' || path === MEMORY ? undefined : path;
};

export const createEventStore = ({ url, dataDir, synchronous }: EventStoreSettings): EventStore => {
  if (url === undefined || url === '') return openSqlite(join(dataDir, 'edgepay.sqlite'), synchronous);
  if (/^esdb(\+discover)?:\/\//.test(url)) return eventStoreDb().fromConnectionString(url);
  if (url.startsWith(SQLITE_PREFIX)) {
    const path = url.slice(SQLITE_PREFIX.length);
    if (path === '')
      throw new Error('EVENTSTORE_URL sqlite: needs a path, e.g. sqlite:./data/edgepay.sqlite');
    return openSqlite(path, synchronous);
  }
  throw new Error('EVENTSTORE_URL must start with esdb://, esdb+discover:// or sqlite:');
};
