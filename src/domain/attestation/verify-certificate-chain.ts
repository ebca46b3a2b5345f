import type { X509Certificate } from 'node:crypto';
import { reason, type AttestationReason } from './attestation-verdict';
import type { ChainCertificate } from './read-certificate-chain';
import { normalizeSerial, revocationOf, type RevocationList } from './revocation-list';

const describe = (certificate: ChainCertificate, index: number): string =>
  `certificate ${index} (serial ${normalizeSerial(certificate.x509.serialNumber)})`;

const signedBy = (certificate: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

const selfIssued = (certificate: ChainCertificate): boolean =>
  certificate.x509.issuer === certificate.x509.subject;

/**
 * Each certificate must name the next as its issuer and carry its signature, and a self-issued
 * last certificate its own. Names are compared rather than checkIssued(), which refuses the
 * attest-key links Android produces.
 */
export const brokenLinkOf = (chain: ChainCertificate[]): AttestationReason | undefined => {
  for (const [index, certificate] of chain.entries()) {
    const issuer = chain[index + 1] ?? (selfIssued(certificate) ? certificate : undefined);
    if (!issuer) continue;
    if (certificate.x509.issuer !== issuer.x509.subject) {
      return reason(
        'issuer_mismatch',
        `${describe(certificate, index)} names issuer "${certificate.x509.issuer}", not the next certificate`,
      );
    }
    if (!signedBy(certificate.x509, issuer.x509)) {
      return reason('signature_invalid', `${describe(certificate, index)} is not signed by its issuer's key`);
    }
  }
  return undefined;
};

/** Anchored on the key, as Google advises: its roots were reissued over one key with new dates. */
export const untrustedRootOf = (
  chain: ChainCertificate[],
  trustedRoots: X509Certificate[],
): AttestationReason | undefined => {
  const root = chain.at(-1);
  if (
    root &&
    selfIssued(root) &&
    trustedRoots.some((trusted) => trusted.publicKey.equals(root.x509.publicKey))
  ) {
    return undefined;
  }
  return reason('untrusted_root', 'the chain does not end at a configured hardware attestation root');
};

/**
 * Only the certificates between the device and the root are dated authoritatively: the device
 * writes its own certificates' dates (Google's verifier skips them too), and the root is trusted
 * by its key, whatever dates a reissued copy carries.
 */
export const validityReasons = (
  chain: ChainCertificate[],
  deviceIssued: number,
  at: Date,
): AttestationReason[] =>
  chain.slice(0, -1).flatMap((certificate, index) => {
    if (index < deviceIssued) return [];
    const { notBefore, notAfter } = certificate.asn.tbsCertificate.validity;
    if (at.getTime() < notBefore.getTime().getTime()) {
      return [
        reason(
          'certificate_not_yet_valid',
          `${describe(certificate, index)} is valid from ${notBefore.getTime().toISOString()}`,
        ),
      ];
    }
    if (at.getTime() > notAfter.getTime().getTime()) {
      return [
        reason(
          'certificate_expired',
          `${describe(certificate, index)} expired ${notAfter.getTime().toISOString()}`,
        ),
      ];
    }
    return [];
  });

export const revocationReasons = (
  chain: ChainCertificate[],
  revocation: RevocationList,
): AttestationReason[] =>
  chain.flatMap((certificate, index) => {
    const entry = revocationOf(revocation, certificate.x509.serialNumber);
    if (!entry) return [];
    const why = entry.reason ? ` (${entry.reason})` : '';
    return entry.status === 'REVOKED'
      ? [reason('certificate_revoked', `${describe(certificate, index)} is revoked${why}`)]
      : [reason('certificate_suspended', `${describe(certificate, index)} is suspended${why}`)];
  });
