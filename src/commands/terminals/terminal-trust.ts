import { forbidden, notFound } from '../../domain/shared/domain-error';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import {
  MERCHANT_ATTESTATION_POLICIES_COLLECTION,
  type MerchantAttestationPolicyDocument,
} from '../../projections/terminals/merchant-attestation-policy.projection';
import type { TerminalAttestationDocument } from '../../projections/terminals/terminal-attestation.document';
import { TERMINAL_ATTESTATIONS_COLLECTION } from '../../projections/terminals/terminal-attestation.projection';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';

/** Called before a payment command from a terminal's own credential; throws a 403 DomainError to refuse it. */
export interface TerminalTrust {
  check(merchantId: string, terminalId: string, now: Date): Promise<void>;
  /**
   * A terminal named in a body by a merchant credential: another merchant's terminal is reported as
   * absent (404), as its other resources are. Terminals the gateway does not manage are not known here.
   */
  assertNotForeign(merchantId: string, terminalId: string): Promise<void>;
}

export const TERMINAL_ATTESTATION_REQUIRED = 'terminal_attestation_required';

const untrustedBecause = (terminalId: string, why: string) =>
  forbidden(
    TERMINAL_ATTESTATION_REQUIRED,
    `the merchant requires attested terminals and ${terminalId} ${why}; attest it and retry`,
  );

/**
 * Reads the read models the policy, attestation and status commands wait for before they answer, so a
 * verdict or policy the caller saw acknowledged is the one enforced here.
 */
export const terminalTrust = (readStore: ReadStore): TerminalTrust => ({
  async assertNotForeign(merchantId, terminalId) {
    const terminal = await readStore
      .collection<TerminalDocument>(TERMINALS_COLLECTION)
      .findOne({ _id: terminalId });
    if (terminal !== null && terminal.merchantId !== merchantId) {
      throw notFound('terminal_not_found', `no terminal ${terminalId}`);
    }
  },
  async check(merchantId, terminalId, now) {
    const terminal = await readStore
      .collection<TerminalDocument>(TERMINALS_COLLECTION)
      .findOne({ _id: terminalId });
    if (terminal?.status === 'maintenance') {
      throw forbidden(
        'terminal_in_maintenance',
        `terminal ${terminalId} is in maintenance; it takes no payments`,
      );
    }
    const policy = await readStore
      .collection<MerchantAttestationPolicyDocument>(MERCHANT_ATTESTATION_POLICIES_COLLECTION)
      .findOne({ _id: merchantId });
    if (!policy?.requireAttestation) return;
    const attestation = await readStore
      .collection<TerminalAttestationDocument>(TERMINAL_ATTESTATIONS_COLLECTION)
      .findOne({ _id: terminalId });
    const verdict = attestation?.verdict;
    if (!verdict) throw untrustedBecause(terminalId, 'has no attestation verdict');
    if (verdict.outcome === 'untrusted') {
      const codes = verdict.reasons.map((reason) => reason.code).join(', ');
      throw untrustedBecause(terminalId, `failed its last attestation (${codes})`);
    }
    if (verdict.expiresAt === null || now.getTime() >= Date.parse(verdict.expiresAt)) {
      throw untrustedBecause(terminalId, `has an attestation verdict that expired at ${verdict.expiresAt}`);
    }
  },
});
