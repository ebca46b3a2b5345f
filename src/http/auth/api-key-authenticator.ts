import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ApiKeyDocument } from '../../projections/api-keys/api-key.projection';
import { parseApiKey, verifyApiKey } from './api-keys';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';
import { assertTerminalInService, isCurrentTerminalKey } from './terminal-key-check';

const refused = () => new AuthenticationError('invalid_api_key', 'the API key is not valid');

/** Finds the key's record by its public prefix in the api_keys read model, then compares hashes. */
export const apiKeyAuthenticator =
  (readStore: ReadStore) =>
  async (key: string): Promise<Principal> => {
    const parsed = parseApiKey(key);
    if (!parsed) throw refused();
    const record = await readStore.collection<ApiKeyDocument>('api_keys').findOne({ prefix: parsed.prefix });
    if (!record || !verifyApiKey(key, record.hash)) throw refused();
    // Before the key's own status: a decommissioned terminal's (revoked) key answers as its JWT would.
    const terminalKey = record.terminalId ? { ...record, terminalId: record.terminalId } : undefined;
    if (terminalKey) await assertTerminalInService(readStore, terminalKey);
    if (record.status !== 'active') throw refused();
    if (terminalKey && !(await isCurrentTerminalKey(readStore, terminalKey))) throw refused();
    return {
      credentialId: record._id,
      kind: 'api_key',
      merchantId: record.merchantId,
      ...(record.terminalId ? { terminalId: record.terminalId } : {}),
      scopes: new Set(record.scopes),
    };
  };
