import type { ReadStore } from './read-store';
import { MemoryReadStore } from './memory-read-store';
import { MongoReadStore } from './mongo-read-store';

export interface ReadStoreConfig {
  /** `mongodb://...` or `mongodb+srv://...`; without it the read store lives in memory. */
  mongoUrl?: string;
  /** The MongoDB database holding the read models (ignored in memory). */
  database: string;
}

export const createReadStore = async (config: ReadStoreConfig): Promise<ReadStore> =>
  config.mongoUrl ? MongoReadStore.connect(config.mongoUrl, config.database) : new MemoryReadStore();
