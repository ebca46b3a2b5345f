import path from 'node:path';
import type { Config } from '../infrastructure/config';
import { createEventStore } from '../infrastructure/event-store/create-event-store';
import type { EventStore } from '../infrastructure/event-store/event-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite-event-store';
import { createIdempotencyStore } from '../infrastructure/idempotency/create-idempotency-store';
import type { IdempotencyStore } from '../infrastructure/idempotency/idempotency-store';
import { createJobQueue } from '../infrastructure/job-queue/create-job-queue';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import { createReadStore } from '../infrastructure/read-store/create-read-store';
import type { ReadStore } from '../infrastructure/read-store/read-store';

export interface Infrastructure {
  eventStore: EventStore;
  readStore: ReadStore;
  idempotencyStore: IdempotencyStore;
  jobQueue: JobQueue;
  close(): Promise<void>;
}

/** Picks each port's adapter from configuration alone (ARCHITECTURE.md, "Ports and adapters"). */
export const openInfrastructure = async (config: Config, logger: Logger): Promise<Infrastructure> => {
  const eventStore = createEventStore({
    url: config.EVENTSTORE_URL,
    dataDir: config.EDGEPAY_DATA_DIR,
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
  const readStore = await createReadStore({
    mongoUrl: config.MONGODB_URL,
    database: config.MONGODB_DATABASE,
  });
  const idempotencyStore = await createIdempotencyStore({
    ...(eventStore instanceof SqliteEventStore ? { eventStoreFile: eventStore.file } : {}),
    mongoUrl: config.MONGODB_URL,
    database: config.MONGODB_DATABASE,
    sqlitePath: path.join(config.EDGEPAY_DATA_DIR, 'idempotency.sqlite'),
    sqliteSynchronous: config.SQLITE_SYNCHRONOUS,
  });
  const jobQueue = createJobQueue({ redisUrl: config.REDIS_URL, logger });
  return {
    eventStore,
    readStore,
    idempotencyStore,
    jobQueue,
    async close() {
      await jobQueue.close();
      await idempotencyStore.close();
      await readStore.close();
      await eventStore.close();
    },
  };
};
