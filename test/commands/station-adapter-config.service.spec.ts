import assert from 'node:assert/strict';
import { stationAdapterConfigService } from '../../src/commands/charging-infrastructure/station-adapter-config.service';
import { systemContext } from '../../src/commands/command-context';
import { ManualClock } from '../../src/infrastructure/clock';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { stationAdapterRegistry } from '../../src/integrations/cpms/station-adapter-registry';
import { createSecretBox } from '../../src/webhooks/secret-box';
import { FakeStationCpms } from '../support/fake-station-adapter';
import { InMemoryEventStore } from '../support/in-memory-event-store';

const KEY = Buffer.alloc(32, 7).toString('base64');
const sink = { connectorStatus: async () => undefined, session: async () => undefined };

describe('station adapter configuration across processes', () => {
  it("a worker's registry picks up a change another process wrote, from the stream alone", async () => {
    const eventStore = new InMemoryEventStore();
    const clock = new ManualClock(new Date('2026-11-27T08:00:00.000Z'));
    // Two processes: each its own service (own handler cache) over the one store.
    const api = stationAdapterConfigService({ eventStore, clock, secretBox: createSecretBox(KEY) });
    const worker = stationAdapterConfigService({ eventStore, clock, secretBox: createSecretBox(KEY) });
    const cpms = new FakeStationCpms();
    const registry = stationAdapterRegistry({
      factories: { corpay: cpms.factory },
      loadSettings: worker.liveSettings,
      adapterDeps: { now: () => clock.now(), sink },
      logger: silentLogger(),
    });
    assert.equal((await registry.lookup('corpay')).kind, 'not_configured');

    const context = systemContext('test');
    await api.configure(
      'corpay',
      { baseUrl: 'https://one.example', credentials: { clientId: 'id-1', clientSecret: 's-1' } },
      context,
    );
    const first = await registry.lookup('corpay');
    assert.equal(first.kind, 'ready');
    assert.deepEqual(cpms.built.at(-1)?.credentials, { clientId: 'id-1', clientSecret: 's-1' });

    await api.configure(
      'corpay',
      { baseUrl: 'https://two.example', credentials: { clientSecret: 's-2' } },
      context,
    );
    await registry.lookup('corpay');
    assert.deepEqual(
      [cpms.built.length, cpms.closed, cpms.built.at(-1)?.baseUrl, cpms.built.at(-1)?.credentials],
      [2, 1, 'https://two.example', { clientId: 'id-1', clientSecret: 's-2' }],
    );
    await registry.close();
  });

  it('refuses to decrypt credentials under another key, and a ciphertext moved to another field', async () => {
    const eventStore = new InMemoryEventStore();
    const clock = new ManualClock(new Date('2026-11-27T08:00:00.000Z'));
    const writer = stationAdapterConfigService({ eventStore, clock, secretBox: createSecretBox(KEY) });
    await writer.configure(
      'corpay',
      { baseUrl: 'https://one.example', credentials: { clientId: 'id-1', clientSecret: 's-1' } },
      systemContext('test'),
    );
    const otherKey = stationAdapterConfigService({
      eventStore,
      clock,
      secretBox: createSecretBox(Buffer.alloc(32, 9).toString('base64')),
    });
    await assert.rejects(otherKey.liveSettings('corpay'), /encrypted with key/);

    const box = createSecretBox(KEY);
    const sealed = box.encrypt('s-1', 'station_adapter_config-corpay.clientSecret');
    assert.throws(() => box.decrypt(sealed, 'station_adapter_config-corpay.clientId'));
  });
});
