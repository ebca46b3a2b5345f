import type { ReadCollection, ReadStore, StoredDocument } from './read-store';
import { MemoryCollection } from './memory-collection';

/**
 * The embedded read store: collections in memory, filters and updates in MongoDB's language evaluated by
 * mingo. Nothing survives a restart, so read models are rebuilt from the event store at start.
 */
export class MemoryReadStore implements ReadStore {
  readonly volatile: boolean = true;
  private readonly collections = new Map<string, MemoryCollection<StoredDocument>>();

  collection<T extends StoredDocument = StoredDocument>(name: string): ReadCollection<T> {
    let collection = this.collections.get(name);
    if (collection === undefined) {
      collection = new MemoryCollection();
      this.collections.set(name, collection);
    }
    return collection as unknown as ReadCollection<T>;
  }

  // Handles given out earlier stay usable, as MongoDB collection handles do after dropDatabase.
  async dropAll(): Promise<void> {
    for (const collection of this.collections.values()) collection.clear();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
