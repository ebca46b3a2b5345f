import type { Config } from '../../infrastructure/config';
import { createEventStore } from '../../infrastructure/event-store/create-event-store';
import type { EventStore } from '../../infrastructure/event-store/event-store';

/** Opens the configured event store for one command and closes it afterwards. */
export const withEventStore = async <T>(
  config: Config,
  work: (store: EventStore) => Promise<T>,
): Promise<T> => {
  const eventStore = createEventStore({
    url: config.EVENTSTORE_URL,
    dataDir: config.EDGEPAY_DATA_DIR,
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
  try {
    return await work(eventStore);
  } finally {
    await eventStore.close();
  }
};
