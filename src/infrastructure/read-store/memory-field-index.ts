import { isPlainObject } from './document-paths';
import type { StoredDocument } from './read-store';

type Scalar = string | number | boolean | null;

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** Objects never equal a scalar: one bucket for them all keeps them out of every scalar lookup. */
const OBJECT = Symbol('object');

type Key = Scalar | typeof OBJECT;

/** What the document holds at `path` for equality: a scalar, an object, or `undefined` when an array is on the way. */
const keyAt = (doc: Record<string, unknown>, path: readonly string[]): Key | undefined => {
  let current: unknown = doc;
  for (const step of path) {
    if (Array.isArray(current)) return undefined;
    if (!isPlainObject(current)) return null;
    current = current[step];
  }
  if (current === undefined || current === null) return null;
  if (Array.isArray(current)) return undefined;
  return isScalar(current) ? current : OBJECT;
};

/** The scalars an equality, `$eq` or `$in` condition accepts; undefined for any other condition. */
const acceptedValues = (condition: unknown): Scalar[] | undefined => {
  if (isScalar(condition)) return [condition];
  if (!isPlainObject(condition)) return undefined;
  const operators = Object.keys(condition);
  if (operators.length !== 1) return undefined;
  if (operators[0] === '$eq' && isScalar(condition.$eq)) return [condition.$eq];
  if (operators[0] === '$in' && Array.isArray(condition.$in) && condition.$in.every(isScalar))
    return condition.$in;
  return undefined;
};

/**
 * A non-unique index on one field of the in-memory read store: the ids of the documents per value, so a
 * filter on `status: 'authorized'` visits the authorized documents only, not every document (the
 * periodic sweeps would otherwise cost more with every payment ever made). It only narrows the
 * candidates: the filter still decides, so documents it cannot place (arrays on the path, which MongoDB
 * equality looks inside) are always candidates.
 */
export class MemoryFieldIndex {
  private readonly path: string[];
  private readonly buckets = new Map<Key, Set<string>>();
  private readonly unplaced = new Set<string>();

  constructor(readonly field: string) {
    this.path = field.split('.');
  }

  add(doc: StoredDocument): void {
    const key = keyAt(doc, this.path);
    if (key === undefined) {
      this.unplaced.add(doc._id);
      return;
    }
    let ids = this.buckets.get(key);
    if (ids === undefined) this.buckets.set(key, (ids = new Set()));
    ids.add(doc._id);
  }

  remove(doc: StoredDocument): void {
    const key = keyAt(doc, this.path);
    if (key === undefined) {
      this.unplaced.delete(doc._id);
      return;
    }
    const ids = this.buckets.get(key);
    ids?.delete(doc._id);
    if (ids?.size === 0) this.buckets.delete(key);
  }

  clear(): void {
    this.buckets.clear();
    this.unplaced.clear();
  }

  /** The ids of every document that can meet `condition` on this field; undefined when it cannot tell. */
  lookup(condition: unknown): Set<string> | undefined {
    const values = acceptedValues(condition);
    if (values === undefined) return undefined;
    const ids = new Set(this.unplaced);
    for (const value of values) for (const id of this.buckets.get(value) ?? []) ids.add(id);
    return ids;
  }
}
