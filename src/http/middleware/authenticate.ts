import type { RequestHandler } from 'express';
import { AuthenticationError } from '../auth/authentication-error';
import type { JwtVerifier } from '../auth/jwt-verifier';
import type { Principal } from '../auth/principal';
import type { TakeResult, TokenBucketRateLimiter } from '../auth/rate-limiter';
import { ApiError } from '../errors/api-error';

export interface Authenticators {
  apiKey: (key: string) => Promise<Principal>;
  /** Absent when no JWT key is configured: bearer tokens are then refused. */
  jwt?: JwtVerifier;
}

const BEARER = /^Bearer\s+(\S+)$/i;

const toApiError = (error: AuthenticationError): ApiError =>
  error.code === 'verifier_unavailable'
    ? new ApiError(503, 'dependency_error', error.code, error.message, { headers: { 'Retry-After': '5' } })
    : new ApiError(401, 'authentication_error', error.code, error.message, {
        headers: { 'WWW-Authenticate': 'Bearer realm="edgepay", ApiKey header="X-API-Key"' },
      });

const credentialsOf = async (
  authenticators: Authenticators,
  header: { apiKey?: string; authorization?: string },
) => {
  if (header.apiKey && header.authorization) {
    throw new AuthenticationError('invalid_token', 'send either X-API-Key or Authorization, not both');
  }
  if (header.apiKey) return authenticators.apiKey(header.apiKey);
  if (header.authorization) {
    const token = BEARER.exec(header.authorization)?.[1];
    if (!token) throw new AuthenticationError('invalid_token', 'Authorization must be "Bearer <token>"');
    if (!authenticators.jwt)
      throw new AuthenticationError('invalid_token', 'bearer tokens are not accepted here');
    return authenticators.jwt.verify(token);
  }
  throw new AuthenticationError('missing_credentials', 'send an X-API-Key header or a Bearer token');
};

/** Failed authentications counted per client address, so guessing keys or tokens is throttled. */
export interface FailureThrottle {
  limiter: TokenBucketRateLimiter;
  now: () => number;
}

const throttled = (result: Extract<TakeResult, { allowed: false }>) =>
  new ApiError(
    429,
    'rate_limit_error',
    'too_many_failed_authentications',
    'too many failed authentications',
    {
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    },
  );

/**
 * Establishes res.locals.principal: the only source of merchant and terminal ids. Runs before the
 * per-credential limiter, which cannot see callers without a credential; the failure throttle can.
 */
export const authenticate =
  (authenticators: Authenticators, throttle: FailureThrottle): RequestHandler =>
  async (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const standing = throttle.limiter.peek(address, throttle.now());
    if (!standing.allowed) return next(throttled(standing));
    try {
      const principal = await credentialsOf(authenticators, {
        apiKey: req.get('x-api-key'),
        authorization: req.get('authorization'),
      });
      res.locals.principal = principal;
      next();
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      if (error.code === 'verifier_unavailable') return next(toApiError(error));
      const counted = throttle.limiter.take(address, throttle.now());
      next(counted.allowed ? toApiError(error) : throttled(counted));
    }
  };

export const principalOf = (res: { locals: Record<string, unknown> }): Principal => {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route reached without authentication');
  return principal;
};
