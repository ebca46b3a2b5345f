import type { Response } from 'express';
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

export const etagOf = (version: number): string => `"${version}"`;

/** Accepts `"3"`, `W/"3"` and `3`; undefined when the header is absent. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  return match ? Number(match[1]) : undefined;
};

export const sendResource = (
  res: Response,
  status: number,
  doc: StoredDocument & { version: number },
): void => {
  res.setHeader('ETag', etagOf(doc.version));
  res.status(status).json(toResource(doc));
};
