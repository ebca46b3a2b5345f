import { readFileSync, statSync } from 'node:fs';
import { GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM } from '../../domain/attestation/google-hardware-attestation-roots';
import {
  EMPTY_REVOCATION_LIST,
  parseRevocationList,
  type RevocationList,
} from '../../domain/attestation/revocation-list';

/** What attestation evidence is checked against: configuration, never evidence. */
export interface AttestationTrustAnchors {
  trustedRootsPem: readonly string[];
  /** The current revocation list: re-read when its file changes, so an update needs no restart. */
  revocation(): RevocationList;
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export const readTrustedRoots = (file: string): string[] => {
  const roots = readFileSync(file, 'utf8').match(CERTIFICATE) ?? [];
  if (roots.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return roots;
};

const readRevocationList = (file: string): RevocationList => {
  try {
    return parseRevocationList(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
};

/**
 * Loads the roots and the revocation list from the configured files (defaults: Google's hardware
 * attestation roots and an empty list). Bad files fail at start; a revocation file that later turns bad
 * keeps the last good list rather than trusting revoked keys or refusing every terminal.
 */
export const loadAttestationTrustAnchors = (files: {
  trustedRootsFile?: string;
  revocationFile?: string;
}): AttestationTrustAnchors => {
  const trustedRootsPem = files.trustedRootsFile
    ? readTrustedRoots(files.trustedRootsFile)
    : [...GOOGLE_HARDWARE_ATTESTATION_ROOTS_PEM];
  const revocationFile = files.revocationFile;
  if (!revocationFile) return { trustedRootsPem, revocation: () => EMPTY_REVOCATION_LIST };
  let loaded = { mtimeMs: statSync(revocationFile).mtimeMs, list: readRevocationList(revocationFile) };
  return {
    trustedRootsPem,
    revocation: () => {
      try {
        const { mtimeMs } = statSync(revocationFile);
        if (mtimeMs === loaded.mtimeMs) return loaded.list;
        loaded = { mtimeMs, list: loaded.list };
        loaded = { mtimeMs, list: readRevocationList(revocationFile) };
      } catch {
        // Keep the last good list (see above); the same bad version is not read again.
      }
      return loaded.list;
    },
  };
};
