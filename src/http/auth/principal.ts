import type { Scope } from '../../domain/api-key/scopes';

/** Who is calling, as established by authentication: the only source of merchant and terminal ids. */
export interface Principal {
  /** The API key's id, or `jwt:<sub>`; recorded as the events' actor. */
  credentialId: string;
  kind: 'api_key' | 'jwt';
  merchantId: string;
  /** Set for a terminal's credential, which reaches only that terminal's resources. */
  terminalId?: string;
  scopes: ReadonlySet<string>;
}

/**
 * Whose Idempotency-Key space a request lives in: everything that defines the caller's authority. A `sub`
 * alone is not enough: two tokens with one `sub` for different merchants (or terminals) are different
 * callers and must never replay each other's answers (which may hold a terminal's key or a webhook secret).
 */
export const replayScopeOf = (principal: Principal): string =>
  JSON.stringify([
    principal.kind,
    principal.credentialId,
    principal.merchantId,
    principal.terminalId ?? null,
  ]);

/**
 * `admin` grants every scope. `write` does not imply `read`: a terminal that may create and capture
 * payments need not list the merchant's other payments, so each is granted on its own (least privilege).
 */
export const hasScope = (principal: Pick<Principal, 'scopes'>, scope: Scope): boolean =>
  principal.scopes.has('admin') || principal.scopes.has(scope);

/** Parses an OAuth-style `scope` claim (space separated). Unknown scopes are kept; they grant nothing. */
export const parseScopes = (claim: string): ReadonlySet<string> =>
  new Set(claim.split(' ').filter((scope) => scope.length > 0));
