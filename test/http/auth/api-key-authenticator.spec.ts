import assert from 'node:assert/strict';
import { apiKeyStreamName } from '../../../src/domain/api-key/api-key.decider';
import { apiKeyAuthenticator } from '../../../src/http/auth/api-key-authenticator';
import { AuthenticationError } from '../../../src/http/auth/authentication-error';
import { generateApiKey } from '../../../src/infrastructure/api-keys/api-key-secrets';
import type { EventMetadata } from '../../../src/infrastructure/event-store/event-store';
import type { ReadCollection } from '../../../src/infrastructure/read-store/read-store';
import { MemoryReadStore } from '../../../src/infrastructure/read-store/memory-read-store';
import type { ApiKeyDocument } from '../../../src/projections/api-keys/api-key.projection';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const ISSUED_AT = '2026-11-27T12:00:00.000Z';
const metadata: EventMetadata = {
  correlationId: 'test',
  actor: { id: 'test', kind: 'system' },
  occurredAt: ISSUED_AT,
  schemaVersion: 1,
};

describe('API key authentication: a live merchant key is remembered by its stream head (decision 0038)', () => {
  let eventStore: InMemoryEventStore;
  let readStore: MemoryReadStore;
  let keys: ReadCollection<ApiKeyDocument>;
  let lookups: number;

  beforeEach(() => {
    eventStore = new InMemoryEventStore();
    readStore = new MemoryReadStore();
    keys = readStore.collection<ApiKeyDocument>('api_keys');
    lookups = 0;
    const findOne = keys.findOne.bind(keys);
    keys.findOne = (...args: Parameters<typeof findOne>) => {
      lookups += 1;
      return findOne(...args);
    };
  });

  const authenticator = (confirmFromStream = true) =>
    apiKeyAuthenticator({ readStore, eventStore, catchUp: async () => undefined, confirmFromStream });

  /** The key's issue in its stream and in the read model, as the projector would leave them. */
  const issue = async (id: string, options: { terminalId?: string } = {}) => {
    const generated = generateApiKey('test');
    const terminalId = options.terminalId ?? null;
    const issued = {
      prefix: generated.prefix,
      hash: generated.hash,
      name: id,
      merchantId: 'mer_1',
      terminalId,
      scopes: ['payments:read'],
      issuedAt: ISSUED_AT,
    };
    const data = { apiKeyId: id, ...issued };
    await eventStore.appendToStream(
      apiKeyStreamName(id),
      [{ id: `evt-issue-${id}`, type: 'ApiKeyIssued', data, metadata }],
      'no_stream',
    );
    await keys.replaceOne(
      { _id: id },
      { _id: id, ...issued, status: 'active', revokedAt: null },
      { upsert: true },
    );
    return generated.key;
  };

  const revokeInStream = (id: string) =>
    eventStore.appendToStream(
      apiKeyStreamName(id),
      [
        {
          id: `evt-revoke-${id}`,
          type: 'ApiKeyRevoked',
          data: { apiKeyId: id, revokedAt: ISSUED_AT },
          metadata,
        },
      ],
      0,
    );

  const refused = (attempt: Promise<unknown>) =>
    assert.rejects(attempt, (error: unknown) => error instanceof AuthenticationError);

  it('reads the read model once; later requests with the key use what it found', async () => {
    const key = await issue('key_a');
    const authenticate = authenticator();
    const first = await authenticate(key);
    const second = await authenticate(key);
    assert.deepEqual(second, first);
    assert.equal(second.merchantId, 'mer_1');
    assert.ok(second.scopes.has('payments:read'));
    assert.equal(lookups, 1);
  });

  it('refuses a remembered key once its stream moves past the issue, before the read model knows', async () => {
    const key = await issue('key_b');
    const authenticate = authenticator();
    await authenticate(key);
    await revokeInStream('key_b');
    await refused(authenticate(key));
  });

  it('refuses a wrong secret with a remembered prefix', async () => {
    const key = await issue('key_c');
    const authenticate = authenticator();
    await authenticate(key);
    const forged = `${key.slice(0, -4)}${key.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await refused(authenticate(forged));
  });

  it('remembers nothing without the stream check, nor a terminal key', async () => {
    const merchantKey = await issue('key_d');
    const withoutStream = authenticator(false);
    await withoutStream(merchantKey);
    await withoutStream(merchantKey);
    assert.equal(lookups, 2);

    await readStore
      .collection('terminals')
      .replaceOne(
        { _id: 'trm_1' },
        { _id: 'trm_1', merchantId: 'mer_1', status: 'active', apiKeyId: 'key_e' },
        { upsert: true },
      );
    const terminalKey = await issue('key_e', { terminalId: 'trm_1' });
    const authenticate = authenticator();
    lookups = 0;
    await authenticate(terminalKey).catch(() => undefined);
    await authenticate(terminalKey).catch(() => undefined);
    assert.equal(lookups, 2, 'a terminal key is looked up every time');
  });
});
