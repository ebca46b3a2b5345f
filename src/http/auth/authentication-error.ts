/**
 * Why a credential was refused. Messages are safe to show the caller and to log: they never contain the
 * token or key. `verifier_unavailable` means the credential could not be checked (JWKS endpoint down):
 * the HTTP edge answers 503 for it, 401 for the others.
 */
export type AuthenticationErrorCode =
  | 'missing_credentials'
  | 'invalid_token'
  | 'token_expired'
  | 'invalid_api_key'
  | 'terminal_not_in_service'
  | 'verifier_unavailable';

export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    readonly code: AuthenticationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
