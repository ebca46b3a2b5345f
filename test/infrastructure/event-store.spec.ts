import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { FakeEventStoreDbClient } from '../support/fake-eventstoredb-client';
import { eventStoreContract } from './event-store.contract';

describe('event store adapters', () => {
  let dir: string;
  let opened = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgepay-event-store-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  eventStoreContract('SQLite file', async () =>
    createEventStore({ url: `sqlite:${join(dir, `contract-${(opened += 1)}.sqlite`)}`, dataDir: dir }),
  );

  eventStoreContract('SQLite in memory', async () =>
    createEventStore({ url: 'sqlite::memory:', dataDir: dir }),
  );

  // Checks the adapter's own mapping (positions, paging, filtering, closing); not a substitute for the real leg.
  eventStoreContract(
    'EventStoreDB adapter over a fake client',
    async () => new EventStoreDbEventStore(new FakeEventStoreDbClient().asClient()),
  );

  eventStoreContract(
    'EventStoreDB adapter over a fake client whose appends share one commit position',
    async () =>
      new EventStoreDbEventStore(new FakeEventStoreDbClient({ sharedCommitPerAppend: true }).asClient()),
  );

  const eventStoreUrl = process.env.EVENTSTORE_URL;
  if (eventStoreUrl?.startsWith('esdb')) {
    eventStoreContract('EventStoreDB', async () => createEventStore({ url: eventStoreUrl, dataDir: dir }));
  }
});
