import type { TokenBucketRateLimiter } from '../../http/auth/rate-limiter';
import { OcpiError } from '../transport/ocpi-errors';

/** Failed OCPI authentications counted per client address, like the API's edge (src/http/middleware/authenticate.ts). */
export interface OcpiAuthFailureThrottle {
  limiter: TokenBucketRateLimiter;
  now: () => number;
}

/**
 * Too many failed tokens from one address. OCPI has no 429 in its description, so the answer stays the
 * 401 / 2000 of a wrong token, with Retry-After; while it lasts no token from there is even looked up,
 * so guessing learns nothing.
 */
export class OcpiThrottledError extends OcpiError {
  constructor(readonly retryAfterSeconds: number) {
    super(401, 2000, 'Unauthorized: too many failed authentications');
  }
}

export const throttledAuthentication = async <T>(
  throttle: OcpiAuthFailureThrottle | undefined,
  address: string,
  identify: () => Promise<T>,
): Promise<T> => {
  if (!throttle) return identify();
  const standing = throttle.limiter.peek(address, throttle.now());
  if (!standing.allowed) throw new OcpiThrottledError(standing.retryAfterSeconds);
  try {
    return await identify();
  } catch (error) {
    if (error instanceof OcpiError && error.httpStatus === 401) {
      const counted = throttle.limiter.take(address, throttle.now());
      if (!counted.allowed) throw new OcpiThrottledError(counted.retryAfterSeconds);
    }
    throw error;
  }
};
