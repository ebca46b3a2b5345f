import type { RequestHandler } from 'express';

/**
 * Every answer of this API is for one caller: some carry an API key or a webhook secret, the rest payment
 * data. None may sit in a shared or browser cache, and none may be sniffed into another content type.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

export const securityHeaders: RequestHandler = (_req, res, next) => {
  // node's setHeader: express's res.set would look each name up for a Content-Type charset first.
  for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
  next();
};
