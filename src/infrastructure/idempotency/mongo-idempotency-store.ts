import { MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import { canTakeOver, newClaim, reportLive, type ClaimInput } from './idempotency-claim-rules';
import {
  responseJson,
  type ClaimResult,
  type CompletedResponse,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency-store';

interface IdempotencyDocument {
  scope: string;
  key: string;
  requestHash: string;
  state: 'in_flight' | 'completed';
  /** JSON text: a response body may hold keys BSON refuses or rewrites (`$...`, dotted). */
  responseJson?: string;
  lockedUntil: Date;
  /** Dates, not numbers, so the TTL index can reap expired records. */
  expiresAt: Date;
}

export const defaultIdempotencyCollection = 'idempotency_records';

const duplicateKey = 11000;
// A claim that lost an insert race re-reads; the record it lost to can vanish (release, TTL) before that
// read, which sends it round again. A handful of rounds is plenty.
const maxClaimRounds = 5;

const toRecord = (doc: IdempotencyDocument): IdempotencyRecord => ({
  scope: doc.scope,
  key: doc.key,
  requestHash: doc.requestHash,
  state: doc.state,
  ...(doc.responseJson === undefined ? {} : { response: JSON.parse(doc.responseJson) as StoredResponse }),
  lockedUntil: doc.lockedUntil.getTime(),
  expiresAt: doc.expiresAt.getTime(),
});

const isDuplicateKeyError = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === duplicateKey;

/** Idempotency records in MongoDB: a unique index on (scope, key) makes the claim atomic. */
export class MongoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly collection: Collection<IdempotencyDocument>,
    private readonly ownedClient?: MongoClient,
  ) {}

  /** Connects its own client (closed by close()) and ensures the indexes. */
  static async connect(url: string, database: string, collectionName = defaultIdempotencyCollection) {
    const client = new MongoClient(url);
    try {
      await client.connect();
      return await MongoIdempotencyStore.fromDb(client.db(database), collectionName, client);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** Uses a database of a client someone else owns, unless ownedClient is given. */
  static async fromDb(db: Db, collectionName = defaultIdempotencyCollection, ownedClient?: MongoClient) {
    const store = new MongoIdempotencyStore(db.collection<IdempotencyDocument>(collectionName), ownedClient);
    await store.ensureIndexes();
    return store;
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { scope: 1, key: 1 }, name: 'scope_key_unique', unique: true },
      { key: { expiresAt: 1 }, name: 'expires_at_ttl', expireAfterSeconds: 0 },
    ]);
  }

  async claim(input: ClaimInput): Promise<ClaimResult> {
    const now = new Date(input.now);
    const claimed = newClaim(input);
    for (let round = 0; round < maxClaimRounds; round += 1) {
      try {
        // Matches only a record we may take over; when none matches, the upsert inserts, and the unique
        // index turns a live record (or a concurrent winner) into a duplicate-key error.
        await this.collection.updateOne(
          {
            scope: input.scope,
            key: input.key,
            $or: [{ expiresAt: { $lt: now } }, { state: 'in_flight', lockedUntil: { $lt: now } }],
          },
          {
            $set: {
              requestHash: claimed.requestHash,
              state: 'in_flight',
              lockedUntil: new Date(claimed.lockedUntil),
              expiresAt: new Date(claimed.expiresAt),
            },
            $unset: { responseJson: '' },
          },
          { upsert: true },
        );
        return { outcome: 'claimed' };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const existing = await this.collection.findOne({ scope: input.scope, key: input.key });
      if (existing) {
        const record = toRecord(existing);
        if (!canTakeOver(record, input.now)) return reportLive(record);
      }
    }
    throw new Error(`idempotency claim for scope ${input.scope} did not settle in ${maxClaimRounds} rounds`);
  }

  async complete(scope: string, key: string, response: CompletedResponse): Promise<void> {
    await this.collection.updateOne(
      { scope, key, state: 'in_flight' },
      { $set: { state: 'completed', responseJson: responseJson(response) } },
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.collection.deleteOne({ scope, key, state: 'in_flight' });
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.collection.deleteMany({ expiresAt: { $lt: new Date(now) } });
    return result.deletedCount;
  }

  async ping(): Promise<void> {
    await this.collection.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.ownedClient?.close();
  }
}
