import { SignJWT } from 'jose';

export interface DevelopmentTokenInput {
  /** The HS256 secret the development verifier is configured with (JWT_SECRET). */
  secret: string;
  issuer: string;
  audience: string;
  subject: string;
  merchantId: string;
  terminalId?: string;
  scopes: readonly string[];
  /** Seconds since the epoch; defaults to the current time. */
  issuedAt?: number;
  expiresInSeconds?: number;
}

/** Signs an HS256 token the way an identity provider would, for tests and the CLI. Never for production. */
export const signDevelopmentToken = async (input: DevelopmentTokenInput): Promise<string> => {
  const issuedAt = input.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    mid: input.merchantId,
    ...(input.terminalId === undefined ? {} : { tid: input.terminalId }),
    scope: input.scopes.join(' '),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (input.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(input.secret));
};
