import { DuplicateKeyError, type IndexSpec, type StoredDocument } from './read-store';
import { valueAtPath } from './document-paths';

const isNonScalar = (value: unknown): boolean => typeof value === 'object' && value !== null;
const isPlainScalar = (value: unknown): boolean => typeof value === 'string' || typeof value === 'number';

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
  /** Documents whose indexed values are arrays or objects: MongoDB equality could match inside them. */
  private readonly nonScalarOwners = new Set<string>();

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
    if (this.fields.some((field) => isNonScalar(valueAtPath(doc, field)))) this.nonScalarOwners.add(doc._id);
  }

  remove(doc: StoredDocument): void {
    const key = this.keyOf(doc);
    if (this.owners.get(key) === doc._id) this.owners.delete(key);
    this.nonScalarOwners.delete(doc._id);
  }

  /**
   * For a filter of plain equalities on exactly this index's fields, the _id of the only document that
   * can match (null when none can); undefined when the index cannot answer and the caller must scan.
   */
  lookup(filter: Record<string, unknown>): string | null | undefined {
    const filterFields = Object.keys(filter);
    if (filterFields.length !== this.fields.length || this.nonScalarOwners.size > 0) return undefined;
    if (!this.fields.every((field) => isPlainScalar(filter[field]))) return undefined;
    return this.owners.get(JSON.stringify(this.fields.map((field) => filter[field]))) ?? null;
  }

  private keyOf(doc: StoredDocument): string {
    return JSON.stringify(this.fields.map((field) => valueAtPath(doc, field) ?? null));
  }
}
