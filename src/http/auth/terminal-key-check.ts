import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';

/**
 * A terminal's key works only while its terminal is in service (active, or in maintenance for its
 * health and attestation) and the key is the terminal's current credential. Suspension, decommissioning
 * and rotation change the terminal's read model before their commands answer, so the old key stops at
 * once, without waiting for its own revocation. Keys for terminals the gateway does not manage (issued
 * by `edgepay keys create`) are not affected.
 */
export const terminalKeyUsable = async (
  readStore: ReadStore,
  key: { _id: string; merchantId: string; terminalId: string },
): Promise<boolean> => {
  const terminal = await readStore
    .collection<TerminalDocument>(TERMINALS_COLLECTION)
    .findOne({ _id: key.terminalId });
  if (terminal === null) return true;
  return (
    terminal.merchantId === key.merchantId &&
    (terminal.status === 'active' || terminal.status === 'maintenance') &&
    terminal.credentialId === key._id
  );
};
