import { apiKeyStreamName } from '../../domain/api-key/api-key.decider';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ApiKeyDocument } from '../../projections/api-keys/api-key.projection';
import { parseApiKey, verifyApiKey } from '../../infrastructure/api-keys/api-key-secrets';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';
import { assertTerminalInService, isCurrentTerminalKey } from './terminal-key-check';

const refused = () => new AuthenticationError('invalid_api_key', 'the API key is not valid');

export interface ApiKeyAuthenticatorDeps {
  readStore: ReadStore;
  eventStore: EventStore;
  /**
   * Waits (bounded) until the read models have applied everything in the event store. Called on a miss
   * only: a key issued by another process (`edgepay keys create`) is in the store before the projector
   * has it, and must work the moment it is printed. A wrong key costs one head lookup, no wait, while the
   * projector is caught up.
   */
  catchUp: () => Promise<void>;
  /**
   * Looks at the key's own stream head before trusting an active record, so a revocation written by another
   * process counts without waiting for the projector: at once before decision 0026, now within the SQLite
   * store's head cache interval (OTHER_WRITERS_CHECK_MS). Worth it where the head is a local lookup (the
   * embedded default); with a networked store the CLI waits for the projector instead (decision 0013).
   */
  confirmFromStream: boolean;
}

/**
 * The issue is the stream's first event (revision 0); only what follows it can revoke the key. A live
 * key's stream ends at its issue, which the stream's head tells with one indexed row and no event to
 * decode; only a longer stream is read.
 */
const revokedInStore = async (eventStore: EventStore, apiKeyId: string): Promise<boolean> => {
  const streamName = apiKeyStreamName(apiKeyId);
  const head = await eventStore.streamHead(streamName);
  if (head === undefined || head.revision === 0) return false;
  const later = await eventStore.readStream(streamName, { fromRevision: 1 });
  return later.some((event) => event.type === 'ApiKeyRevoked');
};

/** Finds the key's record by its public prefix in the api_keys read model, then compares hashes. */
export const apiKeyAuthenticator =
  (deps: ApiKeyAuthenticatorDeps) =>
  async (key: string): Promise<Principal> => {
    const parsed = parseApiKey(key);
    if (!parsed) throw refused();
    const keys = deps.readStore.collection<ApiKeyDocument>('api_keys');
    let record = await keys.findOne({ prefix: parsed.prefix });
    if (!record) {
      await deps.catchUp();
      record = await keys.findOne({ prefix: parsed.prefix });
    }
    if (!record || !verifyApiKey(key, record.hash)) throw refused();
    // Before the key's own status: a decommissioned terminal's (revoked) key answers as its JWT would.
    const terminalKey = record.terminalId ? { ...record, terminalId: record.terminalId } : undefined;
    if (terminalKey) await assertTerminalInService(deps.readStore, terminalKey);
    if (record.status !== 'active') throw refused();
    if (deps.confirmFromStream && (await revokedInStore(deps.eventStore, record._id))) throw refused();
    if (terminalKey && !(await isCurrentTerminalKey(deps.readStore, terminalKey))) throw refused();
    return {
      credentialId: record._id,
      kind: 'api_key',
      merchantId: record.merchantId,
      ...(record.terminalId ? { terminalId: record.terminalId } : {}),
      scopes: new Set(record.scopes),
    };
  };
