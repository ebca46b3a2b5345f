import type { Response } from 'express';
import type { StoredDocument } from '../infrastructure/read-store/read-store';

/** A read-model document as the API shows it: storage fields (`_id`, `_position`) removed. */
export const toResource = <D extends StoredDocument>(doc: D): Omit<D, '_id' | '_position'> => {
  const { _id, _position, ...resource } = doc as D & { _position?: unknown };
  void _id;
  void _position;
  return resource;
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
