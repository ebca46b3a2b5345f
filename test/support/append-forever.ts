/**
 * Test helper process: appends small batches (1 to 3 events) to a stream of a SQLite event store and prints
 * `ack <event id>` for each event of a batch once the append is acknowledged. Stops after `count` batches,
 * or never when count is absent. A conflict (another process appended first) prints `conflict` and is
 * answered by re-reading the stream's revision.
 *
 * Usage: node -r tsx/cjs test/support/append-forever.ts <sqlite file> <stream> [count]
 */
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type NewEvent,
} from '../../src/infrastructure/event-store/event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';

const [path, stream, countArgument] = process.argv.slice(2);
if (!path || !stream) throw new Error('usage: append-forever <sqlite file> <stream> [count]');
const count = countArgument === undefined ? Number.POSITIVE_INFINITY : Number(countArgument);

const currentRevision = async (store: SqliteEventStore): Promise<ExpectedRevision> => {
  const events = await store.readStream(stream);
  return events.length === 0 ? 'no_stream' : events.length - 1;
};

const batchOf = (size: number): NewEvent[] => {
  const batch = randomUUID();
  return Array.from({ length: size }, (_, index) => ({
    id: randomUUID(),
    type: 'Ticked',
    data: { pid: process.pid, batch, index, size },
    metadata: {
      correlationId: `req_${batch}`,
      actor: { id: 'append-forever', kind: 'system' },
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  }));
};

const main = async (): Promise<void> => {
  const store = new SqliteEventStore(path);
  let expected = await currentRevision(store);
  for (let appended = 0; appended < count;) {
    const batch = batchOf(1 + (appended % 3));
    try {
      expected = (await store.appendToStream(stream, batch, expected)).nextExpectedRevision;
      appended += 1;
      process.stdout.write(batch.map((event) => `ack ${event.id}\n`).join(''));
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      expected = await currentRevision(store);
      process.stdout.write('conflict\n');
    }
  }
  await store.close();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
