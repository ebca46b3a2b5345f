import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ApiKeyDocument } from '../../projections/api-keys/api-key.projection';
import { parseApiKey, verifyApiKey } from '../../infrastructure/api-keys/api-key-secrets';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';
import { terminalKeyUsable } from './terminal-key-check';

const refused = () => new AuthenticationError('invalid_api_key', 'the API key is not valid');

/** Finds the key's record by its public prefix in the api_keys read model, then compares hashes. */
export const apiKeyAuthenticator =
  (readStore: ReadStore) =>
  async (key: string): Promise<Principal> => {
    const parsed = parseApiKey(key);
    if (!parsed) throw refused();
    const record = await readStore.collection<ApiKeyDocument>('api_keys').findOne({ prefix: parsed.prefix });
    if (!record || record.status !== 'active' || !verifyApiKey(key, record.hash)) throw refused();
    if (
      record.terminalId &&
      !(await terminalKeyUsable(readStore, { ...record, terminalId: record.terminalId }))
    ) {
      throw refused();
    }
    return {
      credentialId: record._id,
      kind: 'api_key',
      merchantId: record.merchantId,
      ...(record.terminalId ? { terminalId: record.terminalId } : {}),
      scopes: new Set(record.scopes),
    };
  };
