import { MongoClient, MongoError, type Collection, type Db, type Document } from 'mongodb';
import {
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type ReadCollection,
  type ReadStore,
  type StoredDocument,
  type Update,
} from './read-store';

// 11001 is the code older servers gave the same error on updates.
const DUPLICATE_KEY_CODES = new Set<unknown>([11000, 11001]);

/** Runs a write, turning MongoDB's E11000 into the port's DuplicateKeyError. */
const mappingDuplicateKey = async <R>(write: () => Promise<R>): Promise<R> => {
  try {
    return await write();
  } catch (error) {
    if (error instanceof MongoError && DUPLICATE_KEY_CODES.has(error.code)) {
      throw new DuplicateKeyError(error.message, { cause: error });
    }
    throw error;
  }
};

// Kept as thin as possible: CI is the only place with a MongoDB server to exercise it.
class MongoReadCollection<T extends StoredDocument> implements ReadCollection<T> {
  constructor(private readonly collection: Collection<Document>) {}

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.collection.findOne(filter)) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const { sort, skip, limit } = options;
    return (await this.collection.find(filter, { sort, skip, limit }).toArray()) as unknown as T[];
  }

  countDocuments(filter: Filter = {}): Promise<number> {
    return this.collection.countDocuments(filter);
  }

  async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<boolean> {
    const result = await mappingDuplicateKey(() =>
      this.collection.replaceOne(filter, doc, { upsert: options.upsert === true }),
    );
    return result.matchedCount > 0 || result.upsertedCount > 0;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<boolean> {
    const result = await mappingDuplicateKey(() =>
      this.collection.updateOne(filter, update, { upsert: options.upsert === true }),
    );
    return result.matchedCount > 0 || result.upsertedCount > 0;
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    return (await this.collection.deleteOne(filter)).deletedCount > 0;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.collection.deleteMany(filter)).deletedCount;
  }

  async createIndex(spec: IndexSpec): Promise<void> {
    const options = { unique: spec.unique === true, ...(spec.name === undefined ? {} : { name: spec.name }) };
    await mappingDuplicateKey(() => this.collection.createIndex(spec.keys, options));
  }
}

/** The production read store: one MongoDB database. */
export class MongoReadStore implements ReadStore {
  readonly volatile = false;
  private readonly db: Db;

  constructor(
    private readonly client: MongoClient,
    databaseName: string,
  ) {
    this.db = client.db(databaseName);
  }

  /** Connects first, so a wrong URL or an unreachable server fails at start, not at the first request. */
  static async connect(url: string, databaseName: string): Promise<MongoReadStore> {
    const client = new MongoClient(url);
    await client.connect();
    return new MongoReadStore(client, databaseName);
  }

  collection<T extends StoredDocument = StoredDocument>(name: string): ReadCollection<T> {
    return new MongoReadCollection<T>(this.db.collection(name));
  }

  async dropAll(): Promise<void> {
    await this.db.dropDatabase();
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
