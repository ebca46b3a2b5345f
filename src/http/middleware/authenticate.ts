import type { RequestHandler } from 'express';
import { AuthenticationError } from '../auth/authentication-error';
import type { JwtVerifier } from '../auth/jwt-verifier';
import type { Principal } from '../auth/principal';
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

/** Establishes res.locals.principal: the only source of merchant and terminal ids. */
export const authenticate =
  (authenticators: Authenticators): RequestHandler =>
  async (req, res, next) => {
    try {
      const principal = await credentialsOf(authenticators, {
        apiKey: req.get('x-api-key'),
        authorization: req.get('authorization'),
      });
      res.locals.principal = principal;
      next();
    } catch (error) {
      next(error instanceof AuthenticationError ? toApiError(error) : error);
    }
  };

export const principalOf = (res: { locals: Record<string, unknown> }): Principal => {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route reached without authentication');
  return principal;
};
