import {
  ownedDocumentsOf,
  type OwnedDocuments,
  type ReadCollection,
  type StoredDocument,
} from './read-store';

const ownedByCollection = new WeakMap<ReadCollection, OwnedDocuments | undefined>();

const ownedOf = (collection: ReadCollection): OwnedDocuments | undefined => {
  if (!ownedByCollection.has(collection)) ownedByCollection.set(collection, ownedDocumentsOf(collection));
  return ownedByCollection.get(collection);
};

/**
 * One document by `_id`, for a caller that only reads it (to render an answer). On the in-memory store it
 * is the stored document itself, without the copy `findOne` makes for callers that could change what they
 * get (docs/decisions/0043); elsewhere it is what `findOne` returns.
 */
export const readOnlyDocument = async <D extends StoredDocument>(
  collection: ReadCollection<D>,
  id: string,
): Promise<Readonly<D> | null> => {
  const owned = ownedOf(collection as unknown as ReadCollection);
  return owned === undefined ? collection.findOne({ _id: id }) : (owned.get(id) as D | null);
};
