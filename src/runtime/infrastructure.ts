import path from 'node:path';
import type { Config } from '../infrastructure/config';
import { SqliteCheckpointFile } from '../infrastructure/checkpoints/sqlite-checkpoint-store';
import { createEventStore, sqliteEventStoreFile } from '../infrastructure/event-store/create-event-store';
import type { EventStore } from '../infrastructure/event-store/event-store';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite-event-store';
import { createIdempotencyStore } from '../infrastructure/idempotency/create-idempotency-store';
import type { IdempotencyStore } from '../infrastructure/idempotency/idempotency-store';
import { createJobQueue } from '../infrastructure/job-queue/create-job-queue';
import type { JobQueue } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import { createReadStore } from '../infrastructure/read-store/create-read-store';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { CheckpointStore } from '../projections/checkpointed-subscription';
import { ProjectionCheckpoints } from '../projections/projection-checkpoints';

export interface Infrastructure {
  eventStore: EventStore;
  readStore: ReadStore;
  idempotencyStore: IdempotencyStore;
  jobQueue: JobQueue;
  /**
   * Where a subscriber other than the projector (the webhook dispatcher) keeps its checkpoint: with the
   * read models when they persist, else in the SQLite event file itself, so the checkpoint lives and dies
   * with the events it points into (docs/decisions/0019).
   */
  subscriberCheckpoints(name: string): CheckpointStore;
  close(): Promise<void>;
}

/** Picks each port's adapter from configuration alone (ARCHITECTURE.md, "Ports and adapters"). */
export const openInfrastructure = async (config: Config, logger: Logger): Promise<Infrastructure> => {
  const eventStoreSettings = {
    url: config.EVENTSTORE_URL,
    dataDir: config.EDGEPAY_DATA_DIR,
    synchronous: config.SQLITE_SYNCHRONOUS,
  };
  const eventStore = createEventStore(eventStoreSettings);
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
  const checkpointFile =
    readStore.volatile &&
    eventStore instanceof SqliteEventStore &&
    sqliteEventStoreFile(eventStoreSettings) !== undefined
      ? new SqliteCheckpointFile(eventStore.file)
      : undefined;
  return {
    eventStore,
    readStore,
    idempotencyStore,
    jobQueue,
    subscriberCheckpoints: (name) =>
      checkpointFile ? checkpointFile.for(name) : new ProjectionCheckpoints(readStore, name),
    async close() {
      checkpointFile?.close();
      await jobQueue.close();
      await idempotencyStore.close();
      await readStore.close();
      await eventStore.close();
    },
  };
};
