import { ownedDocumentsOf, type ReadCollection, type StoredDocument } from './read-store';

/**
 * One document by `_id`, for a caller that only reads it (to render an answer). On the in-memory store it
 * is the stored document itself, without the copy `findOne` makes for callers that could change what they
 * get (docs/decisions/0043); elsewhere, and on a collection whose reads or writes were replaced since (a
 * decorator, a test double: asked on every call), it is what `findOne` returns.
 */
export const readOnlyDocument = async <D extends StoredDocument>(
  collection: ReadCollection<D>,
  id: string,
): Promise<Readonly<D> | null> => {
  const owned = ownedDocumentsOf(collection);
  return owned === undefined ? collection.findOne({ _id: id }) : owned.get(id);
};
