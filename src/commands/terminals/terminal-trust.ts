import type { MerchantAttestationPolicyState } from '../../domain/merchant-attestation-policy/merchant-attestation-policy.decider';
import { forbidden, notFound } from '../../domain/shared/domain-error';
import type { TerminalAttestationState } from '../../domain/terminal-attestation/terminal-attestation.state';
import type { TerminalState } from '../../domain/terminal/terminal.state';

/** Called before a payment command from a terminal's own credential; throws a 403 DomainError to refuse it. */
export interface TerminalTrust {
  check(merchantId: string, terminalId: string, now: Date): Promise<void>;
  /**
   * A terminal named in a body by a merchant credential: another merchant's terminal is reported as
   * absent (404), as its other resources are. Terminals the gateway does not manage are not known here.
   */
  assertNotForeign(merchantId: string, terminalId: string): Promise<void>;
}

/** The write-side state the check decides from: each aggregate as its stream holds it now. */
export interface TerminalTrustSources {
  terminal(terminalId: string): Promise<TerminalState>;
  policy(merchantId: string): Promise<MerchantAttestationPolicyState>;
  attestation(terminalId: string): Promise<TerminalAttestationState>;
}

export const TERMINAL_ATTESTATION_REQUIRED = 'terminal_attestation_required';

const untrustedBecause = (terminalId: string, why: string) =>
  forbidden(
    TERMINAL_ATTESTATION_REQUIRED,
    `the merchant requires attested terminals and ${terminalId} ${why}; attest it and retry`,
  );

/**
 * Decides from the terminal, policy and attestation aggregates (never from read models, which lag), so
 * a status, policy or verdict the caller saw acknowledged is the one enforced on the next payment.
 */
export const terminalTrust = (sources: TerminalTrustSources): TerminalTrust => ({
  async assertNotForeign(merchantId, terminalId) {
    const terminal = await sources.terminal(terminalId);
    if (terminal.status !== 'unregistered' && terminal.merchantId !== merchantId) {
      throw notFound('terminal_not_found', `no terminal ${terminalId}`);
    }
  },
  async check(merchantId, terminalId, now) {
    const terminal = await sources.terminal(terminalId);
    if (terminal.status === 'maintenance') {
      throw forbidden(
        'terminal_in_maintenance',
        `terminal ${terminalId} is in maintenance; it takes no payments`,
      );
    }
    const policy = await sources.policy(merchantId);
    if (!policy.requireAttestation) return;
    const attestation = await sources.attestation(terminalId);
    const verdict = attestation.status === 'empty' ? null : attestation.verdict;
    if (!verdict) throw untrustedBecause(terminalId, 'has no attestation verdict');
    if (verdict.outcome === 'untrusted') {
      const codes = verdict.reasons.map((reason) => reason.code).join(', ');
      throw untrustedBecause(terminalId, `failed its last attestation (${codes})`);
    }
    if (now.getTime() >= Date.parse(verdict.expiresAt)) {
      throw untrustedBecause(terminalId, `has an attestation verdict that expired at ${verdict.expiresAt}`);
    }
  },
});
