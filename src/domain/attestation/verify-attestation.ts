import { X509Certificate } from 'node:crypto';
import { chainShapeOf } from './attestation-chain-shape';
import type { AttestationPolicy } from './attestation-policy';
import {
  reason,
  verdictOf,
  type AttestationFacts,
  type AttestationReason,
  type AttestationVerdict,
} from './attestation-verdict';
import { policyReasons } from './check-attestation-policy';
import { readCertificateChain, type ChainCertificate } from './read-certificate-chain';
import { readKeyDescription, type KeyDescriptionClaims } from './read-key-description';
import { normalizeSerial, type RevocationList } from './revocation-list';
import {
  brokenLinkOf,
  revocationReasons,
  untrustedRootOf,
  validityReasons,
} from './verify-certificate-chain';

export type { AttestationPolicy } from './attestation-policy';
export { attestationPolicySchema, DEFAULT_ATTESTATION_POLICY } from './attestation-policy';
export type * from './attestation-verdict';
export { ATTESTATION_REASON_CODES } from './attestation-verdict';
export type { RevocationEntry, RevocationList } from './revocation-list';
export { EMPTY_REVOCATION_LIST, parseRevocationList } from './revocation-list';
export { GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM } from './google-hardware-attestation-roots';

/** Evidence below Android's shortest hardware chain (leaf, attestation key, root) proves nothing. */
export const MIN_CHAIN_LENGTH = 3;

export type VerifyAttestationInput = {
  /** Leaf first, root last: one PEM text holding the chain, or one PEM per certificate. */
  chainPem: string | string[];
  expectedChallenge: Uint8Array;
  /** Configuration, not evidence: a root that is not a certificate is a deployment error and throws. */
  trustedRootsPem: readonly string[];
  revocation: RevocationList;
  policy: AttestationPolicy;
  at: Date;
};

const parseTrustedRoots = (pems: readonly string[]): X509Certificate[] =>
  pems.map((pem, index) => {
    try {
      return new X509Certificate(pem);
    } catch (error) {
      throw new Error(
        `trusted attestation root ${index} is not a PEM certificate: ${(error as Error).message}`,
      );
    }
  });

const refused = (failure: AttestationReason): AttestationVerdict => verdictOf([failure]);

const challengeMatches = (claims: KeyDescriptionClaims, expected: Uint8Array): boolean =>
  expected.length > 0 &&
  claims.challenge.equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length));

const factsOf = (
  claims: KeyDescriptionClaims & { rootOfTrust: NonNullable<KeyDescriptionClaims['rootOfTrust']> },
  leaf: ChainCertificate,
  chainLength: number,
  expectedChallenge: Uint8Array,
): AttestationFacts => ({
  securityLevel: claims.securityLevel,
  attestationVersion: claims.attestationVersion,
  challengeMatches: challengeMatches(claims, expectedChallenge),
  deviceLocked: claims.rootOfTrust.deviceLocked,
  verifiedBootState: claims.rootOfTrust.verifiedBootState,
  ...(claims.osVersion !== undefined && { osVersion: claims.osVersion }),
  ...(claims.osPatchLevel !== undefined && { osPatchLevel: claims.osPatchLevel }),
  applicationIds: claims.applicationIds,
  leafSerial: normalizeSerial(leaf.x509.serialNumber),
  leafPublicKeySpki: leaf.x509.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  chainLength,
});

const verifyEvidence = (
  input: VerifyAttestationInput,
  trustedRoots: X509Certificate[],
): AttestationVerdict => {
  const reading = readCertificateChain(input.chainPem);
  if (!reading.ok) return refused(reading.reason);
  const { chain } = reading;
  if (chain.length < MIN_CHAIN_LENGTH) {
    return refused(
      reason(
        'chain_too_short',
        `the chain has ${chain.length} certificate(s), at least ${MIN_CHAIN_LENGTH} are needed`,
      ),
    );
  }

  const claimsByCertificate: (KeyDescriptionClaims | undefined)[] = [];
  for (const [index, certificate] of chain.entries()) {
    const description = readKeyDescription(certificate.asn);
    if (!description.ok) {
      return refused(reason('malformed_evidence', `certificate ${index}: ${description.problem}`));
    }
    claimsByCertificate.push(description.claims);
  }
  const shape = chainShapeOf(claimsByCertificate);
  if (!shape.ok) return refused(shape.reason);
  const brokenLink = brokenLinkOf(chain);
  if (brokenLink) return refused(brokenLink);

  const untrustedRoot = untrustedRootOf(chain, trustedRoots);
  const reasons = [
    ...(untrustedRoot ? [untrustedRoot] : []),
    ...validityReasons(chain, shape.deviceIssued, input.at),
    ...revocationReasons(chain, input.revocation),
  ];
  // chainShapeOf has checked both exist; the guard only narrows the types.
  const [leaf, claims] = [chain[0], claimsByCertificate[0]];
  if (!leaf || !claims) return verdictOf([...reasons, reason('missing_key_description', 'no leaf')]);
  const { rootOfTrust } = claims;
  if (!rootOfTrust) {
    return verdictOf([
      ...reasons,
      reason('missing_root_of_trust', 'the KeyDescription has no root of trust'),
    ]);
  }
  const facts = factsOf({ ...claims, rootOfTrust }, leaf, chain.length, input.expectedChallenge);
  if (!facts.challengeMatches) {
    reasons.push(
      reason('challenge_mismatch', 'the attestation challenge is not the one issued to this terminal'),
    );
  }
  return verdictOf([...reasons, ...policyReasons(facts, input.policy)], facts);
};

/**
 * Judges Android Key Attestation evidence. Pure: the clock, trust anchors, revocation list and
 * policy are inputs. Bad evidence never throws; it is a verdict with reasons.
 */
export const verifyAttestation = (input: VerifyAttestationInput): AttestationVerdict => {
  const trustedRoots = parseTrustedRoots(input.trustedRootsPem);
  try {
    return verifyEvidence(input, trustedRoots);
  } catch (error) {
    // A parser surprise on hostile bytes must still end as a refusal, not as a 500.
    return refused(reason('malformed_evidence', `unreadable evidence: ${(error as Error).message}`));
  }
};
