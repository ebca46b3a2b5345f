/**
 * The read store port: a small subset of MongoDB's collection API, so projection code is the same for
 * MongoDB (production) and the in-memory store evaluated by mingo (embedded default).
 * Every adapter passes test/infrastructure/read-store.contract.ts.
 */

export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;

export interface StoredDocument {
  _id: string;
  [field: string]: unknown;
}

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
}

export interface IndexSpec {
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
}

export interface ReadCollection<T extends StoredDocument = StoredDocument> {
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  countDocuments(filter?: Filter): Promise<number>;
  /** Replaces the document matching `filter` (inserting when `upsert`); returns whether one matched or was inserted. */
  replaceOne(filter: Filter, doc: T, options?: { upsert?: boolean }): Promise<boolean>;
  /** Applies a MongoDB update document ($set, $inc, $unset, $push, ...). Returns whether a document matched or was inserted. */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<boolean>;
  deleteOne(filter: Filter): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
  createIndex(spec: IndexSpec): Promise<void>;
}

/**
 * Direct access to an adapter's stored documents, for the projection runner alone: no copies on the way
 * in or out. A document `get` returns must not be changed; one given to `put` must not be changed after.
 * Only the in-memory adapter offers it (`ownedDocumentsOf`); the others go through the collection API.
 */
export interface OwnedDocuments<T extends StoredDocument = StoredDocument> {
  get(id: string): T | null;
  /** Inserts or replaces the document with its `_id`, unique indexes permitting (else DuplicateKeyError). */
  put(doc: T): void;
  delete(id: string): void;
}

export const ownedDocumentsOf = <T extends StoredDocument>(
  collection: ReadCollection<T>,
): OwnedDocuments<T> | undefined =>
  'ownedDocuments' in collection && typeof collection.ownedDocuments === 'function'
    ? (collection.ownedDocuments as () => OwnedDocuments<T> | undefined).call(collection)
    : undefined;

export interface ReadStore {
  collection<T extends StoredDocument = StoredDocument>(name: string): ReadCollection<T>;
  /** True when the store keeps nothing across restarts (read models are rebuilt from zero at start). */
  readonly volatile: boolean;
  /** Drops every collection: used to rebuild read models from zero. */
  dropAll(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by insert/upsert/replace when a unique index would be violated. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
}
