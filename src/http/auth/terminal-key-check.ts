import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';
import { AuthenticationError } from './authentication-error';
import type { JwtVerifier } from './jwt-verifier';
import type { Principal } from './principal';

const terminalOf = (readStore: ReadStore, terminalId: string) =>
  readStore.collection<TerminalDocument>(TERMINALS_COLLECTION).findOne({ _id: terminalId });

/**
 * Any credential bound to a terminal (an API key, or a JWT with `tid`) works only while that terminal is
 * the caller merchant's and in service (active, or in maintenance for its health and attestation). Both
 * kinds get the same answer. Suspension and decommissioning change the terminal's read model before their
 * commands answer, so the credential stops at once. Terminals the gateway does not manage (keys from
 * `edgepay keys create --terminal`, tokens from an identity provider) are not affected.
 */
export const assertTerminalInService = async (
  readStore: ReadStore,
  credential: { merchantId: string; terminalId: string },
): Promise<void> => {
  const terminal = await terminalOf(readStore, credential.terminalId);
  if (terminal === null) return;
  const inService =
    terminal.merchantId === credential.merchantId &&
    (terminal.status === 'active' || terminal.status === 'maintenance');
  if (!inService) {
    throw new AuthenticationError(
      'terminal_not_in_service',
      'the terminal of this credential is not in service',
    );
  }
};

/** Rotation: only the terminal's current key works, without waiting for the old one's revocation. */
export const isCurrentTerminalKey = async (
  readStore: ReadStore,
  key: { _id: string; terminalId: string },
): Promise<boolean> => {
  const terminal = await terminalOf(readStore, key.terminalId);
  return terminal === null || terminal.credentialId === key._id;
};

/** A JWT verifier whose terminal tokens follow their terminal's status, as terminal API keys do. */
export const terminalBoundJwt = (verifier: JwtVerifier, readStore: ReadStore): JwtVerifier => ({
  async verify(token: string): Promise<Principal> {
    const principal = await verifier.verify(token);
    if (principal.terminalId) {
      await assertTerminalInService(readStore, { ...principal, terminalId: principal.terminalId });
    }
    return principal;
  },
});
