import { DuplicateKeyError, type IndexSpec, type StoredDocument } from './read-store';
import { valueAtPath } from './document-paths';

/** MongoDB's default index name: `field_1_other_-1`. */
export const defaultIndexName = (keys: IndexSpec['keys']): string =>
  Object.entries(keys)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');

/**
 * A unique index over a map from key to owning _id, so a write checks uniqueness without a scan.
 * Like MongoDB (without `sparse`), a missing field indexes as null: two documents missing it collide.
 */
export class MemoryUniqueIndex {
  private readonly owners = new Map<string, string>();
  private readonly fields: string[];

  constructor(
    readonly name: string,
    readonly keys: IndexSpec['keys'],
  ) {
    this.fields = Object.keys(keys);
  }

  /** Throws DuplicateKeyError when `doc` would take a key another document owns. */
  check(doc: StoredDocument): void {
    const owner = this.owners.get(this.keyOf(doc));
    if (owner !== undefined && owner !== doc._id) {
      throw new DuplicateKeyError(`duplicate key on index ${this.name}: ${this.keyOf(doc)}`);
    }
  }

  add(doc: StoredDocument): void {
    this.owners.set(this.keyOf(doc), doc._id);
  }

  remove(doc: StoredDocument): void {
    const key = this.keyOf(doc);
    if (this.owners.get(key) === doc._id) this.owners.delete(key);
  }

  private keyOf(doc: StoredDocument): string {
    return JSON.stringify(this.fields.map((field) => valueAtPath(doc, field) ?? null));
  }
}
