import type { RequestHandler } from 'express';
import type { TokenBucketRateLimiter } from '../auth/rate-limiter';
import { ApiError } from '../errors/api-error';
import { principalOf } from './authenticate';

/** Per credential, after authentication: one terminal's burst does not starve the others. */
export const rateLimit =
  (limiter: TokenBucketRateLimiter, now: () => number): RequestHandler =>
  (_req, res, next) => {
    const result = limiter.take(principalOf(res).credentialId, now());
    if (result.allowed) return next();
    next(
      new ApiError(429, 'rate_limit_error', 'rate_limited', 'too many requests; slow down', {
        headers: { 'Retry-After': String(result.retryAfterSeconds) },
      }),
    );
  };
