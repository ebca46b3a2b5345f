export const ATTESTATION_REASON_CODES = [
  'malformed_evidence',
  'chain_too_short',
  'unexpected_attestation_in_chain',
  'issuer_mismatch',
  'signature_invalid',
  'untrusted_root',
  'certificate_expired',
  'certificate_not_yet_valid',
  'certificate_revoked',
  'certificate_suspended',
  'missing_key_description',
  'missing_root_of_trust',
  'challenge_mismatch',
  'security_level_not_allowed',
  'device_unlocked',
  'boot_not_verified',
  'os_patch_too_old',
  'application_not_allowed',
] as const;
export type AttestationReasonCode = (typeof ATTESTATION_REASON_CODES)[number];

export type AttestationReason = { code: AttestationReasonCode; message: string };

export type AttestationSecurityLevel = 'Software' | 'TrustedEnvironment' | 'StrongBox';
export type VerifiedBootState = 'Verified' | 'SelfSigned' | 'Unverified' | 'Failed';

/** What the evidence claims; only worth believing when the verdict is trusted. Plain JSON data. */
export type AttestationFacts = {
  securityLevel: AttestationSecurityLevel;
  attestationVersion: number;
  challengeMatches: boolean;
  deviceLocked: boolean;
  verifiedBootState: VerifiedBootState;
  osVersion?: number;
  osPatchLevel?: number;
  applicationIds: string[];
  /** Lowercase hex without leading zeros, the form Google's revocation list uses. */
  leafSerial: string;
  /** The attested key (the leaf's SubjectPublicKeyInfo, DER in base64): what later signatures bind to. */
  leafPublicKeySpki: string;
  chainLength: number;
};

export type AttestationVerdict = {
  trusted: boolean;
  /** Empty exactly when trusted. */
  reasons: AttestationReason[];
  /** Present whenever the leaf's KeyDescription could be read, trusted or not. */
  facts?: AttestationFacts;
};

export const reason = (code: AttestationReasonCode, message: string): AttestationReason => ({
  code,
  message,
});

export const verdictOf = (reasons: AttestationReason[], facts?: AttestationFacts): AttestationVerdict =>
  facts ? { trusted: reasons.length === 0, reasons, facts } : { trusted: reasons.length === 0, reasons };
