import assert from 'node:assert/strict';
import type { CommandContext } from '../../../src/commands/command-context';
import { terminalCredentials } from '../../../src/commands/terminals/terminal-credentials';
import { terminalService } from '../../../src/commands/terminals/terminal.service';
import { ManualClock } from '../../../src/infrastructure/clock';
import type { EventStore } from '../../../src/infrastructure/event-store/event-store';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const context: CommandContext = {
  correlationId: 'req_1',
  actor: { id: 'key_operator', kind: 'api_key' },
  idempotency: { scope: 'key_operator', key: 'register-1' },
};
const operator = { merchantId: 'mer_1' };
const input = { serialNumber: 'SN-1', model: 'A920', stationId: 'S1' };

const service = (eventStore: EventStore) => {
  const clock = new ManualClock();
  return terminalService({
    eventStore,
    clock,
    credentials: terminalCredentials({ eventStore, clock, apiKeyEnvironment: 'test' }),
    freshness: { waitFor: async () => true },
    readYourWritesTimeoutMs: 100,
    offlineAfterMs: 300_000,
  });
};

const typesOf = async (store: EventStore, prefix: string) =>
  (await store.readAll()).filter((event) => event.streamName.startsWith(prefix)).map((event) => event.type);

describe('terminal service', () => {
  it('a registration retried after its answer was lost shows a new key and revokes the unseen one', async () => {
    const store = new InMemoryEventStore();
    const first = await service(store).register(input, operator, context);
    // The same request again, as after a crash between appending and answering.
    const retried = await service(store).register(input, operator, context);
    assert.notEqual(retried.apiKey, first.apiKey);
    assert.equal(retried.result.state.status, 'active');
    assert.deepEqual(await typesOf(store, 'terminal-'), ['TerminalRegistered', 'TerminalCredentialRotated']);
    assert.deepEqual(await typesOf(store, 'api_key-'), ['ApiKeyIssued', 'ApiKeyIssued', 'ApiKeyRevoked']);
  });

  it('a registration whose key was never issued issues it on retry', async () => {
    const store = new InMemoryEventStore();
    const failing: EventStore = Object.create(store) as EventStore;
    failing.appendToStream = async (streamName, events, expected) => {
      if (streamName.startsWith('api_key-')) throw new Error('crash before the key');
      return store.appendToStream(streamName, events, expected);
    };
    await assert.rejects(service(failing).register(input, operator, context), /crash before the key/);
    const retried = await service(store).register(input, operator, context);
    assert.match(retried.apiKey, /^epk_test_/);
    assert.deepEqual(await typesOf(store, 'terminal-'), ['TerminalRegistered']);
    assert.deepEqual(await typesOf(store, 'api_key-'), ['ApiKeyIssued']);
  });

  it('a status change that the read models do not reach in time is reported as not yet effective', async () => {
    const store = new InMemoryEventStore();
    const clock = new ManualClock();
    const lagging = terminalService({
      eventStore: store,
      clock,
      credentials: terminalCredentials({ eventStore: store, clock, apiKeyEnvironment: 'test' }),
      freshness: { waitFor: async () => false },
      readYourWritesTimeoutMs: 1,
      offlineAfterMs: 300_000,
    });
    const { result } = await lagging.register(input, operator, { ...context, idempotency: undefined });
    assert.ok(result.state.status !== 'unregistered');
    const changed = await lagging.changeStatus(result.state.terminalId, { status: 'suspended' }, operator, {
      ...context,
      idempotency: undefined,
    });
    assert.equal(changed.effective, false);
    assert.equal(changed.result.state.status, 'suspended');
  });
});
