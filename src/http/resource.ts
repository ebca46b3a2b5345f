import express, { type Response } from 'express';
import type { StoredDocument } from '../infrastructure/read-store/read-store';

/**
 * A read-model document as the API shows it: storage fields (`_id`, `_position`) removed. A plain key loop,
 * not `{ _id, _position, ...rest }`: V8 runs an object rest with excluded keys in its runtime, which cost
 * more than the rest of a GET's handler (docs/decisions/0040).
 */
export const toResource = <D extends StoredDocument>(doc: D): Omit<D, '_id' | '_position'> => {
  const resource: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) {
    if (key !== '_id' && key !== '_position') resource[key] = (doc as Record<string, unknown>)[key];
  }
  return resource as Omit<D, '_id' | '_position'>;
};

/**
 * `JSON.stringify(toResource(doc))` without building the resource: a stored document whose first key is
 * `_id` and whose last is `_position` (or that has none: MongoDB puts `_id` first, the projection runner
 * adds `_position` last) is serialized whole and the two members are cut off its ends, by their exact
 * encoded length. Any other document goes through `toResource`.
 */
export const resourceJson = (doc: StoredDocument): string => {
  const keys = Object.keys(doc);
  const last = keys[keys.length - 1];
  const positionLast = last === '_position' && typeof doc._position === 'string';
  const plain = typeof doc._id === 'string' && typeof doc.toJSON !== 'function';
  if (!plain || keys[0] !== '_id' || (!positionLast && keys.includes('_position'))) {
    return JSON.stringify(toResource(doc));
  }
  const json = JSON.stringify(doc);
  const head = `{"_id":${JSON.stringify(doc._id)},`.length;
  const tail = positionLast ? `,"_position":${JSON.stringify(doc._position)}}`.length : 1;
  return `{${json.slice(head, json.length - tail)}}`;
};

export const etagOf = (version: number): string => `"${version}"`;

/** Accepts `"3"`, `W/"3"` and `3`; undefined when the header is absent. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  return match ? Number(match[1]) : undefined;
};

const plainJson = express.response.json;

/**
 * True when something has wrapped `res.json` (the idempotency record of a keyed command, the contract's
 * response validation in tests): it must be given the body as an object, not bytes serialized ahead of it.
 */
export const jsonIsWrapped = (res: Response): boolean => res.json !== plainJson;

/**
 * Sends a read-model document as its resource, with its ETag. Whatever wraps `res.json` (the idempotency
 * record of a keyed command, the contract's response validation in tests) is given the resource object;
 * otherwise the same bytes `res.json` would send are sent without building it (`resourceJson`).
 */
export const sendResource = (
  res: Response,
  status: number,
  doc: Readonly<StoredDocument & { version: number }>,
): void => {
  res.setHeader('ETag', etagOf(doc.version));
  if (jsonIsWrapped(res)) {
    res.status(status).json(toResource(doc));
    return;
  }
  res.statusCode = status;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json');
  res.send(resourceJson(doc));
};
