import express, { type Response } from 'express';
import { LruCache } from '../commands/lru-cache';
import {
  ownedDocumentsOf,
  type OwnedDocuments,
  type ReadCollection,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import { etagOf, toResource } from './resource';

type VersionedDocument = StoredDocument & { version: number };

/** A read-model document with the body the API sends for it. */
export interface RenderedResource<D extends VersionedDocument> {
  /** The stored document itself: read it (a scope check), never change it. */
  readonly doc: Readonly<D>;
  readonly body: string;
}

/** Bodies kept per collection: the documents GET requests come back for (a terminal polling its intent). */
const REMEMBERED_PER_COLLECTION = 5_000;

interface Rendering {
  owned: OwnedDocuments | undefined;
  bodies: LruCache<string, RenderedResource<VersionedDocument>>;
}
const renderings = new WeakMap<ReadCollection, Rendering>();

const renderingOf = (collection: ReadCollection): Rendering => {
  let rendering = renderings.get(collection);
  if (rendering === undefined) {
    rendering = { owned: ownedDocumentsOf(collection), bodies: new LruCache(REMEMBERED_PER_COLLECTION) };
    renderings.set(collection, rendering);
  }
  return rendering;
};

const render = <D extends VersionedDocument>(doc: D): RenderedResource<D> => ({
  doc,
  body: JSON.stringify(toResource(doc)),
});

/**
 * One document by `_id` with its API body. On the in-memory store the body is rendered once per stored
 * document: that store never changes a stored document, it replaces it, so a body kept beside the very
 * object it was rendered from is current exactly while that object is still the one stored. A GET then
 * neither copies the document nor serializes it again (docs/decisions/0043). Other stores render each read.
 */
export const renderedById = async <D extends VersionedDocument>(
  collection: ReadCollection<D>,
  id: string,
): Promise<RenderedResource<D> | null> => {
  const { owned, bodies } = renderingOf(collection as unknown as ReadCollection);
  if (owned === undefined) {
    const doc = await collection.findOne({ _id: id });
    return doc === null ? null : render(doc);
  }
  const stored = owned.get(id) as D | null;
  if (stored === null) return null;
  const remembered = bodies.get(id);
  if (remembered?.doc === stored) return remembered as RenderedResource<D>;
  const rendered = render(stored);
  bodies.set(id, rendered);
  return rendered;
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
