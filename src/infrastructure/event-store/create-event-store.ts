import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventStore } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
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

export const createEventStore = ({ url, dataDir, synchronous }: EventStoreSettings): EventStore => {
  if (url === undefined || url === '') return openSqlite(join(dataDir, 'edgepay.sqlite'), synchronous);
  if (/^esdb(\+discover)?:\/\//.test(url)) return EventStoreDbEventStore.fromConnectionString(url);
  if (url.startsWith(SQLITE_PREFIX)) {
    const path = url.slice(SQLITE_PREFIX.length);
    if (path === '')
      throw new Error('EVENTSTORE_URL sqlite: needs a path, e.g. sqlite:./data/edgepay.sqlite');
    return openSqlite(path, synchronous);
  }
  throw new Error('EVENTSTORE_URL must start with esdb://, esdb+discover:// or sqlite:');
};
