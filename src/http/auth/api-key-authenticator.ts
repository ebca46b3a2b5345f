import { apiKeyStreamName } from '../../domain/api-key/api-key.decider';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ApiKeyDocument } from '../../projections/api-keys/api-key.projection';
import { parseApiKey, verifyApiKey } from '../../infrastructure/api-keys/api-key-secrets';
import { LruCache } from '../../commands/lru-cache';
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

/** A live merchant key: its stored hash and its principal, valid while its stream is at its issue. */
interface KnownKey {
  hash: string;
  principal: Principal;
}

const KNOWN_KEYS = 10_000;

/**
 * Finds the key's record by its public prefix in the api_keys read model, then compares hashes. With
 * `confirmFromStream`, a merchant key found active at its stream's revision 0 (its issue) is remembered
 * with its principal: while the stream is still at that revision (one lookup in the head cache) the key
 * cannot have been revoked, so the next request skips the read model and rebuilding the principal. The
 * secret is checked against the stored hash every time (docs/decisions/0038).
 */
export const apiKeyAuthenticator = (deps: ApiKeyAuthenticatorDeps) => {
  const known = new LruCache<string, KnownKey>(KNOWN_KEYS);

  const stillKnown = async (prefix: string, key: string): Promise<Principal | undefined> => {
    const entry = known.get(prefix);
    if (!entry || !verifyApiKey(key, entry.hash)) return undefined;
    const head = await deps.eventStore.streamHead(apiKeyStreamName(entry.principal.credentialId));
    if (head?.revision === 0) return entry.principal;
    known.delete(prefix);
    return undefined;
  };

  return async (key: string): Promise<Principal> => {
    const parsed = parseApiKey(key);
    if (!parsed) throw refused();
    if (deps.confirmFromStream) {
      const principal = await stillKnown(parsed.prefix, key);
      if (principal) return principal;
    }
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
    const head = deps.confirmFromStream
      ? await deps.eventStore.streamHead(apiKeyStreamName(record._id))
      : undefined;
    if (head && head.revision > 0 && (await revokedAfterIssue(deps.eventStore, record._id))) throw refused();
    if (terminalKey && !(await isCurrentTerminalKey(deps.readStore, terminalKey))) throw refused();
    const principal: Principal = {
      credentialId: record._id,
      kind: 'api_key',
      merchantId: record.merchantId,
      ...(record.terminalId ? { terminalId: record.terminalId } : {}),
      scopes: new Set(record.scopes),
    };
    // A terminal's key also depends on its terminal's records, which its own stream does not show.
    if (head?.revision === 0 && !terminalKey) {
      known.set(parsed.prefix, { hash: record.hash, principal: Object.freeze(principal) });
    }
    return principal;
  };
};

/** The issue is the stream's first event (revision 0); only what follows it can revoke the key. */
const revokedAfterIssue = async (eventStore: EventStore, apiKeyId: string): Promise<boolean> => {
  const later = await eventStore.readStream(apiKeyStreamName(apiKeyId), { fromRevision: 1 });
  return later.some((event) => event.type === 'ApiKeyRevoked');
};
