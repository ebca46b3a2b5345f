import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { anchorLegacyStreams, ANCHOR_STREAM } from '../../src/audit/anchor-legacy-streams';
import { verifyHistory } from '../../src/audit/verify-history';
import { loadAuditSigningKey } from '../../src/audit/signing-key';
import { ManualClock } from '../../src/infrastructure/clock';
import type { EventStore, NewEvent } from '../../src/infrastructure/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { headHashOf } from '../../src/infrastructure/event-store/hash-chain';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { FakeEventStoreDbClient } from '../support/fake-eventstoredb-client';

const event = (i: number): NewEvent => ({
  id: randomUUID(),
  type: 'ThingHappened',
  data: { i },
  metadata: {
    correlationId: `req_${i}`,
    actor: { id: 'key_legacy', kind: 'api_key' },
    occurredAt: '2025-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});

const allEvents = (store: EventStore) => store.readAll({ limit: 10_000 });
const publicKey = loadAuditSigningKey(undefined).publicKey;

/** Each adapter, with a way to write events as the gateway did before the chain existed. */
const adapters: [
  string,
  () => { store: EventStore; writeLegacy: (stream: string, events: NewEvent[]) => Promise<void> },
][] = [
  [
    'SQLite',
    () => {
      const store = new SqliteEventStore(':memory:');
      const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
      const insert = db.prepare(
        `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, '2025-01-01T00:00:00.000Z')`,
      );
      return {
        store,
        writeLegacy: async (stream, events) =>
          events.forEach((e, revision) =>
            insert.run(stream, revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)),
          ),
      };
    },
  ],
  [
    'EventStoreDB adapter over a fake client',
    () => {
      const client = new FakeEventStoreDbClient();
      return {
        store: new EventStoreDbEventStore(client.asClient()),
        // The client itself, as the adapter used it before it chained events.
        writeLegacy: async (stream, events) => {
          await client.appendToStream(stream, events as never, { expectedRevision: 'no_stream' });
        },
      };
    },
  ],
];

for (const [name, open] of adapters)
  describe(`audit: streams written before the chain existed (${name})`, () => {
    it('chain on from their computed head, and are anchored once', async () => {
      const { store, writeLegacy } = open();
      try {
        await writeLegacy('thing-old', [event(0), event(1)]);
        await writeLegacy('thing-untouched', [event(2)]);
        const legacy = await store.readStream('thing-old');
        assert.equal(legacy[0]!.metadata.hash, undefined);

        await store.appendToStream('thing-old', [event(3)], 1);
        const [appended] = await store.readStream('thing-old', { fromRevision: 2 });
        assert.equal(appended!.metadata.previousHash, headHashOf('thing-old', legacy));

        const before = await verifyHistory(await allEvents(store), { publicKey });
        assert.deepEqual([before.ok, before.unchainedEvents], [true, 3]);

        const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
        const anchored = await anchorLegacyStreams({ eventStore: store, clock });
        assert.deepEqual(
          anchored.map((head) => [head.streamName, head.revision]),
          [['thing-untouched', 0]],
        );
        assert.deepEqual(await anchorLegacyStreams({ eventStore: store, clock }), [], 'once');
        assert.equal((await store.readStream(ANCHOR_STREAM)).length, 1);
        assert.equal((await verifyHistory(await allEvents(store), { publicKey })).ok, true);
      } finally {
        await store.close();
      }
    });
  });
