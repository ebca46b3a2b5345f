import { createHash, randomBytes } from 'node:crypto';

/**
 * Credentials tokens (credentials.asciidoc: string(64), printable ASCII). Ours are 256 random bits in
 * base64url: 43 characters. We keep only the SHA-256 of a token we check, and encrypt one we send.
 */
export const newCredentialsToken = (): string => randomBytes(32).toString('base64url');

export const hashCredentialsToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const PRINTABLE_ASCII = /^[\x21-\x7e]{1,64}$/;
export const isCredentialsToken = (token: string): boolean => PRINTABLE_ASCII.test(token);

/** `Token <base64(token)>`, or the bare token for a 2.1-era peer that never decodes (a per-party setting). */
export const authorizationHeader = (token: string, unencoded: boolean): string =>
  `Token ${unencoded ? token : Buffer.from(token, 'utf8').toString('base64')}`;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What an Authorization header may carry: `decoded` when the value is base64 of a printable token
 * (the 2.2.1 rule), `raw` always (checked only for parties allowed the unencoded form).
 */
export const tokensOfHeader = (header: string | undefined): { decoded?: string; raw: string } | undefined => {
  const match = /^Token ([\x21-\x7e]+)$/.exec(header ?? '');
  const raw = match?.[1];
  if (!raw) return undefined;
  if (!STRICT_BASE64.test(raw)) return { raw };
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  return isCredentialsToken(decoded) ? { decoded, raw } : { raw };
};
