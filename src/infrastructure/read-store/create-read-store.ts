import type { ReadStore } from './read-store';
import { MemoryReadStore } from './memory-read-store';
import type * as MongoAdapter from './mongo-read-store';

export interface ReadStoreConfig {
  /** `mongodb://...` or `mongodb+srv://...`; without it the read store lives in memory. */
  mongoUrl?: string;
  /** The MongoDB database holding the read models (ignored in memory). */
  database: string;
}

// Loaded on first use, not at start: the embedded default never loads the production clients (a
// third of its cold start). require, not import(): one module instance under tsc's CommonJS and tsx alike.
const mongoReadStore = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./mongo-read-store') as typeof MongoAdapter).MongoReadStore;

export const createReadStore = async (config: ReadStoreConfig): Promise<ReadStore> =>
  config.mongoUrl ? mongoReadStore().connect(config.mongoUrl, config.database) : new MemoryReadStore();
