import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hash } from 'node:crypto';
import type { IdempotencyStore, StoredResponse } from '../../infrastructure/idempotency/idempotency-store';
import type { Logger } from '../../infrastructure/logging/logger';
import { ApiError } from '../errors/api-error';
import { jsonIsWrapped } from '../resource';
import { replayScopeOf } from '../auth/principal';
import { principalOf } from './authenticate';

export interface IdempotencyOptions {
  store: IdempotencyStore;
  ttlMs: number;
  /** How long an in-flight claim blocks retries before it is presumed abandoned by a crashed process. */
  lockMs: number;
  now: () => number;
  logger: Logger;
}

const REPLAYED_HEADERS = ['etag', 'location'] as const;

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

export const requestHash = (method: string, path: string, body: unknown): string =>
  hash('sha256', JSON.stringify([method, path, canonical(body ?? null)]), 'hex');

const replay = (res: Response, stored: StoredResponse): void => {
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(stored.status).json(stored.body);
};

/**
 * Idempotency-Key on state-changing POSTs, scoped to the caller's authority (replayScopeOf). The answer is recorded before it
 * is sent, so a client that saw an answer always gets the same one again. 5xx answers are not recorded:
 * the request had no effect we vouch for, and the client should retry.
 */
export const idempotency = (options: IdempotencyOptions): RequestHandler => {
  const keyed = idempotentPost(options);
  // Most requests are not keyed POSTs: they go on without entering the async path (a promise apiece).
  return (req, res, next) => {
    const key = req.method === 'POST' ? req.get('idempotency-key') : undefined;
    if (key === undefined) return next();
    return keyed(req, res, next, key);
  };
};

const idempotentPost =
  (options: IdempotencyOptions) =>
  async (req: Request, res: Response, next: NextFunction, key: string): Promise<void> => {
    const scope = replayScopeOf(principalOf(res));
    const hash = requestHash(req.method, req.path, req.body);
    const now = options.now();
    try {
      const claim = await options.store.claim({
        scope,
        key,
        requestHash: hash,
        now,
        lockMs: options.lockMs,
        ttlMs: options.ttlMs,
      });
      if (claim.outcome !== 'claimed') {
        if (claim.record.requestHash !== hash) {
          throw new ApiError(
            422,
            'idempotency_error',
            'idempotency_key_reused',
            'this Idempotency-Key was used with another request',
            { param: 'Idempotency-Key' },
          );
        }
        if (claim.outcome === 'in_flight' || !claim.record.response) {
          throw new ApiError(
            409,
            'conflict_error',
            'idempotency_request_in_progress',
            'a request with this Idempotency-Key is still being processed',
            {
              headers: { 'Retry-After': '1' },
            },
          );
        }
        return replay(res, claim.record.response);
      }
    } catch (error) {
      return next(error);
    }

    res.locals.idempotency = { scope, key };
    const send = res.json.bind(res);
    // The body is serialized once, for the record and the answer alike, unless something else wraps
    // res.json (the contract's response validation in tests), which is then given the body itself.
    const serializeOnce = !jsonIsWrapped(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = res.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      const bodyJson = serializeOnce ? (JSON.stringify(body) as string | undefined) : undefined;
      const answer = () => {
        if (bodyJson === undefined) return void send(body);
        if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json');
        res.send(bodyJson);
      };
      const settle =
        status >= 500
          ? options.store.release(scope, key)
          : options.store.complete(scope, key, {
              status,
              body,
              headers,
              ...(bodyJson === undefined ? {} : { bodyJson }),
            });
      settle.then(answer, (error: unknown) => {
        options.logger.error('idempotency record could not be saved', {
          requestId: res.locals.requestId,
          error,
        });
        answer();
      });
      return res;
    };
    next();
  };
