import { Query, update as applyUpdate } from 'mingo';
import {
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type OwnedDocuments,
  type ReadCollection,
  type StoredDocument,
  type Update,
} from './read-store';
import { defaultIndexName, MemoryUniqueIndex } from './memory-unique-index';
import { upsertSeed } from './upsert-seed';
import { cloneDocument } from './clone-document';
import { isPlainObject } from './document-paths';
import { MemoryFieldIndex } from './memory-field-index';

type Modifier = Parameters<typeof applyUpdate>[1];

// $where and $function would run caller-supplied code; read models never need them.
const QUERY_OPTIONS = { scriptEnabled: false };

const copy = cloneDocument;

const isIdLookup = (filter: Filter): boolean =>
  typeof filter._id === 'string' && Object.keys(filter).length === 1;

const assertUpdateDocument = (update: Update): void => {
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys.every((key) => key.startsWith('$'))) {
    throw new Error('update document requires atomic operators ($set, $inc, ...)');
  }
};

const assertReplacement = (doc: StoredDocument): void => {
  if (Object.keys(doc).some((key) => key.startsWith('$'))) {
    throw new Error('replacement document must not contain atomic operators');
  }
};

/**
 * One collection of the in-memory read store. Documents live in a Map by _id (so `{ _id }` lookups do
 * not scan) and are copied on the way in and out, so no caller can reach stored state.
 */
export class MemoryCollection<T extends StoredDocument> implements ReadCollection<T> {
  private readonly docs = new Map<string, T>();
  private readonly indexSignatures = new Map<string, string>();
  private readonly uniqueIndexes: MemoryUniqueIndex[] = [];
  /** One per field leading an index: narrows filters on it to the documents that can match. */
  private readonly fieldIndexes = new Map<string, MemoryFieldIndex>();
  private readonly insertedAt = new Map<string, number>();
  private inserts = 0;

  async findOne(filter: Filter): Promise<T | null> {
    const [doc] = this.matching(filter, 1);
    return doc === undefined ? null : copy(doc);
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const cursor = new Query(filter, QUERY_OPTIONS).find<T>(this.candidates(filter));
    if (options.sort) cursor.sort(options.sort);
    if (options.skip) cursor.skip(options.skip);
    // MongoDB reads a limit of 0 as "no limit".
    if (options.limit) cursor.limit(options.limit);
    return cursor.all().map(copy);
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return Object.keys(filter).length === 0 ? this.docs.size : this.matching(filter).length;
  }

  async replaceOne(filter: Filter, doc: T, options: { upsert?: boolean } = {}): Promise<boolean> {
    assertReplacement(doc);
    const [current] = this.matching(filter, 1);
    if (current !== undefined) {
      if (doc._id !== undefined && doc._id !== current._id) throw new Error('the _id field is immutable');
      this.write(current, { ...copy(doc), _id: current._id });
      return true;
    }
    if (!options.upsert) return false;
    const seedId = upsertSeed(filter)._id;
    if (seedId !== undefined && doc._id !== undefined && seedId !== doc._id) {
      throw new Error('the replacement _id differs from the _id in the upsert filter');
    }
    this.write(undefined, { ...copy(doc), _id: doc._id ?? seedId });
    return true;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<boolean> {
    assertUpdateDocument(update);
    const { $setOnInsert, ...modifier } = copy(update);
    const [current] = this.matching(filter, 1);
    if (current !== undefined) {
      const next = copy(current);
      applyUpdate(next, modifier as Modifier);
      if (next._id !== current._id) throw new Error('the _id field is immutable');
      this.write(current, next);
      return true;
    }
    if (!options.upsert) return false;
    // mingo refuses any $set of _id, so the seed's _id goes in directly.
    const { _id, ...seedFields } = upsertSeed(filter);
    const inserted: Record<string, unknown> = _id === undefined ? {} : { _id };
    applyUpdate(inserted, { $set: seedFields } as Modifier);
    applyUpdate(inserted, modifier as Modifier);
    if ($setOnInsert !== undefined) applyUpdate(inserted, { $set: $setOnInsert } as Modifier);
    this.write(undefined, inserted as T);
    return true;
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    const [doc] = this.matching(filter, 1);
    if (doc === undefined) return false;
    this.remove(doc);
    return true;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const docs = this.matching(filter);
    for (const doc of docs) this.remove(doc);
    return docs.length;
  }

  async createIndex(spec: IndexSpec): Promise<void> {
    const name = spec.name ?? defaultIndexName(spec.keys);
    const signature = JSON.stringify({ keys: spec.keys, unique: spec.unique === true });
    const existing = this.indexSignatures.get(name);
    if (existing !== undefined) {
      if (existing === signature) return;
      throw new Error(`an index named ${name} already exists with different keys or options`);
    }
    const [leading] = Object.keys(spec.keys);
    if (leading !== undefined && leading !== '_id' && !this.fieldIndexes.has(leading)) {
      const index = new MemoryFieldIndex(leading);
      for (const doc of this.docs.values()) index.add(doc);
      this.fieldIndexes.set(leading, index);
    }
    if (spec.unique) {
      const index = new MemoryUniqueIndex(name, spec.keys);
      for (const doc of this.docs.values()) {
        index.check(doc);
        index.add(doc);
      }
      this.uniqueIndexes.push(index);
    }
    this.indexSignatures.set(name, signature);
  }

  /**
   * See `OwnedDocuments`: the projection runner's writes without the copies that guard other callers.
   * None for a collection whose writes were replaced (a decorator, a test double): those keep their say.
   */
  ownedDocuments(): OwnedDocuments<T> | undefined {
    const { replaceOne, deleteOne, findOne } = MemoryCollection.prototype;
    if (this.replaceOne !== replaceOne || this.deleteOne !== deleteOne || this.findOne !== findOne) {
      return undefined;
    }
    return {
      get: (id) => this.docs.get(id) ?? null,
      put: (doc) => this.write(this.docs.get(doc._id), doc),
      delete: (id) => {
        const doc = this.docs.get(id);
        if (doc !== undefined) this.remove(doc);
      },
    };
  }

  /** Empties the collection and forgets its indexes, like dropping it in MongoDB. */
  clear(): void {
    this.docs.clear();
    this.insertedAt.clear();
    this.indexSignatures.clear();
    this.uniqueIndexes.length = 0;
    this.fieldIndexes.clear();
  }

  /**
   * The documents that can match: one by _id or by a unique index when the filter allows, else those a
   * field index narrows the filter to, else all.
   */
  private candidates(filter: Filter): T[] {
    const found = this.lookup(filter);
    if (found) return found.docs;
    const narrowed = this.narrow(filter);
    if (narrowed === undefined) return [...this.docs.values()];
    // In insertion order, as a scan would give them: an unsorted find must not depend on the index.
    return [...narrowed]
      .flatMap((candidate) => this.docs.get(candidate) ?? [])
      .sort((a, b) => (this.insertedAt.get(a._id) ?? 0) - (this.insertedAt.get(b._id) ?? 0));
  }

  /**
   * The answer of the _id map or of a unique index, when one of them can answer the filter. `exact`: the
   * filter is nothing but that lookup's equalities, so its documents match without evaluating the query.
   */
  private lookup(filter: Filter): { docs: T[]; exact: boolean } | undefined {
    const byId = typeof filter._id === 'string';
    const id = byId ? (filter._id as string) : this.uniqueIndexLookup(filter);
    if (id === undefined) return undefined;
    const doc = id === null ? undefined : this.docs.get(id);
    return { docs: doc === undefined ? [] : [doc], exact: !byId || isIdLookup(filter) };
  }

  /** The smallest set of ids a field index (or, for `$or`, one per branch) allows; undefined when none helps. */
  private narrow(filter: Filter): Set<string> | undefined {
    let best: Set<string> | undefined;
    const consider = (ids: Set<string> | undefined) => {
      if (ids !== undefined && (best === undefined || ids.size < best.size)) best = ids;
    };
    for (const [field, condition] of Object.entries(filter)) {
      if (field === '$or' && Array.isArray(condition)) {
        const branches = condition.map((branch) => (isPlainObject(branch) ? this.narrow(branch) : undefined));
        if (branches.length > 0 && branches.every((ids) => ids !== undefined)) {
          consider(new Set(branches.flatMap((ids) => [...(ids ?? [])])));
        }
        continue;
      }
      consider(this.fieldIndexes.get(field)?.lookup(condition));
    }
    return best;
  }

  private uniqueIndexLookup(filter: Filter): string | null | undefined {
    for (const index of this.uniqueIndexes) {
      const found = index.lookup(filter);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private matching(filter: Filter, limit = Infinity): T[] {
    const found = this.lookup(filter);
    if (found?.exact) return found.docs;
    const candidates = found?.docs ?? this.candidates(filter);
    // Building a query costs more than most lookups it would serve.
    if (candidates.length === 0) return [];
    const query = new Query(filter, QUERY_OPTIONS);
    const matches: T[] = [];
    for (const doc of candidates) {
      if (matches.length >= limit) break;
      if (query.test(doc)) matches.push(doc);
    }
    return matches;
  }

  /** Stores `next` in place of `previous` (undefined for an insert), all unique indexes permitting. */
  private write(previous: T | undefined, next: T): void {
    if (typeof next._id !== 'string') throw new Error('a document needs a string _id');
    if (previous === undefined && this.docs.has(next._id)) {
      throw new DuplicateKeyError(`duplicate key on index _id_: ${next._id}`);
    }
    for (const index of this.uniqueIndexes) index.check(next);
    for (const index of this.uniqueIndexes) {
      if (previous !== undefined) index.remove(previous);
      index.add(next);
    }
    for (const index of this.fieldIndexes.values()) {
      if (previous !== undefined) index.remove(previous);
      index.add(next);
    }
    if (previous === undefined) this.insertedAt.set(next._id, (this.inserts += 1));
    this.docs.set(next._id, next);
  }

  private remove(doc: T): void {
    for (const index of this.uniqueIndexes) index.remove(doc);
    for (const index of this.fieldIndexes.values()) index.remove(doc);
    this.insertedAt.delete(doc._id);
    this.docs.delete(doc._id);
  }
}
