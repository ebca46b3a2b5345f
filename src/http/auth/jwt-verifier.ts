import { createPublicKey } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyInput,
} from 'jose';
import type { Clock } from '../../infrastructure/clock';
import { AuthenticationError } from './authentication-error';
import { parseScopes, type Principal } from './principal';

export interface JwtVerifierOptions {
  /** HS256 shared secret (development). Exactly one of secret, publicKeyPem, jwksUrl. */
  secret?: string;
  /** SPKI PEM of an RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA) public key. */
  publicKeyPem?: string;
  /** JWKS endpoint; keys may be RS256, ES256 or EdDSA. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  clockToleranceSec?: number;
  /** Longest `exp - iat` accepted for a terminal's token (one with `tid`), and for any other token. */
  maxLifetimeSec?: { terminal: number; operator: number };
  clock?: Clock;
}

/** Defaults, in seconds: a terminal re-authenticates daily, an operator's session lasts a working hour. */
export const DEFAULT_MAX_LIFETIME_SEC = { terminal: 24 * 3600, operator: 3600 } as const;

export interface JwtVerifier {
  /** Resolves the caller, or rejects with an AuthenticationError. */
  verify(token: string): Promise<Principal>;
}

type Algorithm = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
type VerificationKey = KeyInput | JWTVerifyGetKey;

export const minimumSecretLength = 32;
const asymmetricAlgorithms: Algorithm[] = ['RS256', 'ES256', 'EdDSA'];

/** Thrown while configuring, never while verifying: a bad key is an operator's mistake, not a caller's. */
export class JwtVerifierConfigError extends Error {
  override readonly name = 'JwtVerifierConfigError';
}

// The key decides its one algorithm, so a token cannot pick another (for example HS256 keyed by the PEM).
const algorithmForPublicKey = (pem: string): Algorithm => {
  let key;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new JwtVerifierConfigError('publicKeyPem is not a readable public key', { cause: error });
  }
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'ed25519') return 'EdDSA';
  throw new JwtVerifierConfigError(`publicKeyPem must be RSA, P-256 or Ed25519, not ${type ?? 'unknown'}`);
};

// JWKS trouble is ours, not the caller's: a missing or ambiguous kid is the token's fault, the rest is not.
const guardJwks = (jwks: JWTVerifyGetKey): JWTVerifyGetKey => {
  return async (header: CompactJWSHeaderParameters, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        throw error;
      throw new AuthenticationError('verifier_unavailable', 'the signing keys could not be fetched', {
        cause: error,
      });
    }
  };
};

const resolveKey = async (
  options: JwtVerifierOptions,
): Promise<{ key: VerificationKey; algorithms: Algorithm[] }> => {
  const configured = [options.secret, options.publicKeyPem, options.jwksUrl].filter((v) => v !== undefined);
  if (configured.length !== 1) {
    throw new JwtVerifierConfigError('configure exactly one of secret, publicKeyPem and jwksUrl');
  }
  if (options.secret !== undefined) {
    if (options.secret.length < minimumSecretLength) {
      throw new JwtVerifierConfigError(`the HS256 secret must be at least ${minimumSecretLength} characters`);
    }
    return { key: new TextEncoder().encode(options.secret), algorithms: ['HS256'] };
  }
  if (options.publicKeyPem !== undefined) {
    const algorithm = algorithmForPublicKey(options.publicKeyPem);
    return { key: await importSPKI(options.publicKeyPem, algorithm), algorithms: [algorithm] };
  }
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl as string), { timeoutDuration: 5000 });
  return { key: guardJwks(jwks), algorithms: asymmetricAlgorithms };
};

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * `iat` is required and checked here rather than by jose: a token minted in the future (beyond the leeway)
 * or meant to live longer than its kind allows is refused, so a leaked or mis-minted token cannot last
 * for years.
 */
const checkLifetime = (
  payload: JWTPayload,
  nowSec: number,
  toleranceSec: number,
  maxLifetimeSec: { terminal: number; operator: number },
): void => {
  const { iat, exp, tid } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new AuthenticationError('invalid_token', 'the token has no issue time (iat)');
  }
  if (iat > nowSec + toleranceSec) {
    throw new AuthenticationError('invalid_token', 'the token was issued in the future');
  }
  const kind = tid === undefined ? 'operator' : 'terminal';
  if (typeof exp === 'number' && exp - iat > maxLifetimeSec[kind]) {
    throw new AuthenticationError(
      'invalid_token',
      `the token lives longer than the ${maxLifetimeSec[kind]} seconds allowed for ${kind} tokens`,
    );
  }
};

const toPrincipal = (payload: JWTPayload): Principal => {
  const { sub, mid, tid, scope } = payload;
  if (!nonEmptyString(sub)) throw new AuthenticationError('invalid_token', 'the token has no subject (sub)');
  if (!nonEmptyString(mid)) throw new AuthenticationError('invalid_token', 'the token has no merchant (mid)');
  if (tid !== undefined && !nonEmptyString(tid)) {
    throw new AuthenticationError('invalid_token', 'the token has an invalid terminal (tid)');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw new AuthenticationError('invalid_token', 'the token scope must be a space-separated string');
  }
  return {
    credentialId: `jwt:${sub}`,
    kind: 'jwt',
    merchantId: mid,
    ...(tid === undefined ? {} : { terminalId: tid }),
    scopes: parseScopes(scope ?? ''),
  };
};

const claimMessages: Record<string, string> = {
  iss: 'the token was issued by another issuer',
  aud: 'the token is meant for another audience',
  nbf: 'the token is not valid yet',
  iat: 'the token was issued in the future',
};

const toAuthenticationError = (error: unknown): AuthenticationError => {
  if (error instanceof AuthenticationError) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('token_expired', 'the token has expired', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const message =
      error.reason === 'missing'
        ? `the token has no ${error.claim} claim`
        : (claimMessages[error.claim] ?? `the token claim ${error.claim} is ${error.reason}`);
    return new AuthenticationError('invalid_token', message, { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError('invalid_token', 'the token algorithm is not accepted', { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('invalid_token', 'the token signature is invalid', { cause: error });
  }
  return new AuthenticationError('invalid_token', 'the token is malformed or cannot be verified', {
    cause: error,
  });
};

/**
 * Verifies bearer JWTs: one algorithm family per key source; iss, aud, exp, iat and sub required; iat not
 * in the future and exp - iat within the maximum lifetime of the token's kind.
 * Claims map to a Principal: sub -> `jwt:<sub>`, mid -> merchantId, tid -> terminalId, scope -> scopes.
 */
export const createJwtVerifier = async (options: JwtVerifierOptions): Promise<JwtVerifier> => {
  const { key, algorithms } = await resolveKey(options);
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: ['exp', 'sub', 'iat'],
    clockTolerance: options.clockToleranceSec ?? 0,
  };
  const maxLifetimeSec = options.maxLifetimeSec ?? DEFAULT_MAX_LIFETIME_SEC;
  return {
    async verify(token: string): Promise<Principal> {
      if (!nonEmptyString(token)) throw new AuthenticationError('missing_credentials', 'no token was given');
      const currentDate = options.clock?.now();
      try {
        const { payload } = await jwtVerify(token, key, {
          ...verifyOptions,
          ...(currentDate ? { currentDate } : {}),
        });
        const nowSec = (currentDate ?? new Date()).getTime() / 1000;
        checkLifetime(payload, nowSec, verifyOptions.clockTolerance, maxLifetimeSec);
        return toPrincipal(payload);
      } catch (error) {
        throw toAuthenticationError(error);
      }
    },
  };
};
