import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export interface AttestationVerdictView {
  outcome: 'trusted' | 'untrusted';
  challengeId: string;
  verifiedAt: string;
  /** When a trusted verdict stops vouching; null for an untrusted one. */
  expiresAt: string | null;
  reasons: { code: string; message: string }[];
  facts: Record<string, unknown> | null;
}

/** A terminal's latest attestation verdict and pending challenge. */
export interface TerminalAttestationDocument extends StoredDocument {
  object: 'terminal_attestation';
  terminalId: string;
  merchantId: string;
  verdict: AttestationVerdictView | null;
  pendingChallenge: { challengeId: string; issuedAt: string; expiresAt: string } | null;
  updatedAt: string;
  version: number;
}
