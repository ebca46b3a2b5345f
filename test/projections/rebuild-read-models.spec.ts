import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/infrastructure/event-store/event-store';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import type { Projection } from '../../src/projections/projection';
import { ProjectionCheckpoints } from '../../src/projections/projection-checkpoints';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { rebuildReadModels, type RebuildProgress } from '../../src/projections/rebuild-read-models';
import type { StoredDocument } from '../../src/infrastructure/read-store/read-store';
import { InMemoryEventStore } from '../support/in-memory-event-store';
import { counterProjection } from './toy-counter.projection';

const projections = [counterProjection as unknown as Projection<StoredDocument>];

const newEvent = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    correlationId: 'test',
    actor: { id: 'test', kind: 'system' },
    occurredAt: '2026-01-15T10:00:00.000Z',
    schemaVersion: 1,
  },
});

/** Counters c0..c(n-1), each opened and incremented; every third closed again, its label reused. */
const history = async (eventStore: InMemoryEventStore, counters: number) => {
  for (let i = 0; i < counters; i++) {
    const stream = `counter-c${i}`;
    const events = [
      newEvent('CounterOpened', { counterId: `c${i}`, label: `label-${i}` }),
      newEvent('CounterIncremented', { counterId: `c${i}`, by: i }),
      ...(i % 3 === 0 ? [newEvent('CounterClosed', { counterId: `c${i}` })] : []),
    ];
    await eventStore.appendToStream(stream, events, 'no_stream');
  }
  await eventStore.appendToStream(
    'counter-reuse',
    [newEvent('CounterOpened', { counterId: 'reuse', label: 'label-0' })],
    'no_stream',
  );
};

describe('rebuildReadModels', () => {
  it('gives the documents and checkpoint the live projector gives, dropping what was there', async () => {
    const eventStore = new InMemoryEventStore();
    await history(eventStore, 40);
    const live = new MemoryReadStore();
    const runner = new ProjectionRunner({ eventStore, readStore: live, projections, logger: silentLogger() });
    await runner.start();
    assert.equal(await runner.waitForHead(5_000), true);
    await runner.stop();

    const rebuilt = new MemoryReadStore();
    await rebuilt
      .collection('counters')
      .replaceOne({ _id: 'stray' }, { _id: 'stray', label: 'x' }, { upsert: true });
    const progress: RebuildProgress[] = [];
    const final = await rebuildReadModels({
      eventStore,
      readStore: rebuilt,
      projections,
      batchSize: 25,
      onProgress: (step) => progress.push(step),
    });

    const byId = (docs: StoredDocument[]) => [...docs].sort((a, b) => a._id.localeCompare(b._id));
    assert.deepEqual(
      byId(await rebuilt.collection('counters').find({})),
      byId(await live.collection('counters').find({})),
    );
    const head = await eventStore.headPosition();
    assert.deepEqual(final, { events: 95, position: head });
    assert.deepEqual(
      progress.map((step) => step.events),
      [25, 50, 75, 95],
    );
    assert.equal((await new ProjectionCheckpoints(rebuilt, 'main').load())?.position, head);
  });
});
