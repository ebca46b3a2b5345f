/**
 * The claims of an id_token, read WITHOUT verifying its signature. Acceptable here only because the token
 * comes straight from Edenred's token endpoint, over TLS, in the answer to our client-authenticated request
 * (OpenID Connect Core 3.1.3.7 allows TLS server validation in place of the signature in that case), and
 * because the claim only names whose account to address: Direct Payment checks the access token against the
 * `{username}` (INVALID_TOKEN_ISSUER). Never use it for a token that arrived any other way. Decision 0029.
 */
export const unverifiedIdTokenClaims = (idToken: string): Record<string, unknown> | undefined => {
  const parts = idToken.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};
