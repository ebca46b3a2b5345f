import { reason, type AttestationReason } from './attestation-verdict';
import { KEY_PURPOSE_ATTEST_KEY, type KeyDescriptionClaims } from './read-key-description';

export type ChainShape = { ok: true; deviceIssued: number } | { ok: false; reason: AttestationReason };

const attestsKeysOnly = (claims: KeyDescriptionClaims): boolean =>
  claims.purposes.length === 1 && claims.purposes[0] === KEY_PURPOSE_ATTEST_KEY;

/**
 * Google's rule for chains with attest keys: the leaf is the attestation being verified; above it
 * come zero or more attestations of ATTEST_KEY keys, then only CA certificates. Anything else
 * would let a chain smuggle in a second, unrelated attestation.
 */
export const chainShapeOf = (claimsByCertificate: (KeyDescriptionClaims | undefined)[]): ChainShape => {
  if (!claimsByCertificate[0]) {
    return {
      ok: false,
      reason: reason('missing_key_description', 'the leaf certificate has no KeyDescription'),
    };
  }
  const deviceIssued = claimsByCertificate.findIndex((claims) => claims === undefined);
  const prefix = deviceIssued === -1 ? claimsByCertificate.length : deviceIssued;
  for (const [index, claims] of claimsByCertificate.entries()) {
    if (index === 0 || !claims) continue;
    if (index >= prefix) {
      return {
        ok: false,
        reason: reason(
          'unexpected_attestation_in_chain',
          `certificate ${index} is an attestation above a CA`,
        ),
      };
    }
    if (!attestsKeysOnly(claims)) {
      return {
        ok: false,
        reason: reason(
          'unexpected_attestation_in_chain',
          `certificate ${index} attests a key that is not an attest key`,
        ),
      };
    }
  }
  return { ok: true, deviceIssued: prefix };
};
