import type { RequestHandler } from 'express';
import { ApiError } from '../errors/api-error';

/** Deeper than any body the contract describes; bounds every recursive walk over a body after parsing. */
export const MAX_JSON_DEPTH = 32;

const invalid = (code: string, message: string, param?: string) =>
  new ApiError(400, 'invalid_request_error', code, message, param ? { param } : {});

/** Iterative, so a hostile body cannot overflow the stack of the check meant to stop it. */
export const jsonDepthExceeds = (value: unknown, maxDepth: number): boolean => {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
};

export const boundedJsonDepth: RequestHandler = (req, _res, next) =>
  next(
    jsonDepthExceeds(req.body, MAX_JSON_DEPTH)
      ? invalid('body_too_deep', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`)
      : undefined,
  );

/** A path that is not valid percent-encoding is refused here, before a router or validator echoes it. */
export const decodablePath: RequestHandler = (req, _res, next) => {
  try {
    decodeURIComponent(req.path);
    next();
  } catch {
    next(invalid('invalid_path', 'the request path is not valid percent-encoding'));
  }
};

const carriesBody = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

interface ValidatedOperation {
  /** The validator's copy of the operation: it sets `requestBody` to null where the contract has none. */
  schema?: { requestBody?: { content?: unknown } | null };
  pathParams?: Record<string, unknown>;
}

/** The name of a parameter the validator coerced to an infinite number, if any. */
const unboundedNumber = (params: Record<string, unknown> | undefined): string | undefined => {
  for (const name in params) {
    const value = params[name];
    if (typeof value === 'number' && !Number.isFinite(value)) return name;
  }
  return undefined;
};

/**
 * Whether the URL has a query string: without one, `req.query` is empty, and reading it would parse the
 * URL again (express computes it on every access).
 */
export const hasQueryString = (req: { url: string }): boolean => req.url.includes('?');

/**
 * After validation, for what the validator lets through: a body sent to an operation that declares none
 * (nothing reads it, but every later step would still walk it), and numbers the validator coerced from
 * `Infinity` or 400 digits, which pass its `maximum` checks.
 */
export const declaredShapeOnly: RequestHandler = (req, _res, next) => {
  const operation = (req as { openapi?: ValidatedOperation }).openapi;
  if (operation?.schema && !operation.schema.requestBody?.content && carriesBody(req.headers)) {
    return next(invalid('body_not_allowed', 'this operation takes no request body'));
  }
  const unbounded =
    (hasQueryString(req) ? unboundedNumber(req.query) : undefined) ?? unboundedNumber(operation?.pathParams);
  if (unbounded !== undefined) {
    return next(invalid('validation_failed', `${unbounded}: must be a finite number`, unbounded));
  }
  next();
};
