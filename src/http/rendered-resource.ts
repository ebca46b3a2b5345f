import express, { type Response } from 'express';
import {
  ownedDocumentsOf,
  type OwnedDocuments,
  type ReadCollection,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import { etagOf, resourceJson } from './resource';

type VersionedDocument = StoredDocument & { version: number };

/** A read-model document with the body the API sends for it. */
export interface RenderedResource<D extends VersionedDocument> {
  /** The stored document itself: read it (a scope check), never change it. */
  readonly doc: Readonly<D>;
  readonly body: string;
}

const ownedByCollection = new WeakMap<ReadCollection, OwnedDocuments | undefined>();

const ownedOf = (collection: ReadCollection): OwnedDocuments | undefined => {
  if (!ownedByCollection.has(collection)) ownedByCollection.set(collection, ownedDocumentsOf(collection));
  return ownedByCollection.get(collection);
};

/**
 * One document by `_id` with its API body. On the in-memory store the body is rendered from the stored
 * document itself, which is only read, instead of from a copy the store would make for a caller that could
 * change it: a GET neither copies the document nor builds the resource object (docs/decisions/0043).
 */
export const renderedById = async <D extends VersionedDocument>(
  collection: ReadCollection<D>,
  id: string,
): Promise<RenderedResource<D> | null> => {
  const owned = ownedOf(collection as unknown as ReadCollection);
  const doc = owned === undefined ? await collection.findOne({ _id: id }) : (owned.get(id) as D | null);
  return doc === null ? null : { doc, body: resourceJson(doc) };
};

const plainJson = express.response.json;

/** Sends a rendered resource as `sendResource` sends a document: same status, ETag, headers and bytes. */
export const sendRendered = (
  res: Response,
  status: number,
  rendered: RenderedResource<VersionedDocument>,
): void => {
  res.setHeader('ETag', etagOf(rendered.doc.version));
  res.status(status);
  // Whatever wraps res.json (the contract's response validation in tests) is given the body as an object.
  if (res.json !== plainJson) {
    res.json(JSON.parse(rendered.body));
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(rendered.body);
};
