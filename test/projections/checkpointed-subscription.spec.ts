import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type {
  GlobalPosition,
  NewEvent,
  RecordedEvent,
} from '../../src/infrastructure/event-store/event-store';
import {
  CheckpointedSubscription,
  type CheckpointStore,
} from '../../src/projections/checkpointed-subscription';
import type { Checkpoint } from '../../src/projections/projection-checkpoints';
import { InMemoryEventStore } from '../support/in-memory-event-store';
import { waitUntil } from '../support/wait-until';

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'Ticked',
  data: { n },
  metadata: {
    correlationId: 'test',
    actor: { id: 'test', kind: 'system' },
    occurredAt: '2026-01-15T10:00:00.000Z',
    schemaVersion: 1,
  },
});

const memoryCheckpoints = (): CheckpointStore & { saved: Checkpoint[] } => {
  const saved: Checkpoint[] = [];
  return {
    saved,
    load: async () => saved.at(-1),
    save: async (checkpoint) => void saved.push(checkpoint),
    clear: async () => void (saved.length = 0),
  };
};

describe('CheckpointedSubscription', () => {
  let eventStore: InMemoryEventStore;
  let subject: CheckpointedSubscription | undefined;

  const appendTicks = async (count: number): Promise<GlobalPosition> => {
    let position = 0n;
    for (let n = 0; n < count; n++) {
      ({ position } = await eventStore.appendToStream(`tick-${n}`, [event(n)], 'no_stream'));
    }
    return position;
  };

  beforeEach(() => {
    eventStore = new InMemoryEventStore();
  });
  afterEach(async () => {
    await subject?.stop();
    subject = undefined;
  });

  it('catches up in batches, saving a checkpoint after each, and lets the event loop run between them', async () => {
    const head = await appendTicks(50);
    const checkpoints = memoryCheckpoints();
    const batches: number[] = [];
    const timer: { firedAt?: GlobalPosition | 'before the first batch' } = {};
    subject = new CheckpointedSubscription({
      eventStore,
      checkpoints,
      batchSize: 10,
      handle: async (events) => void batches.push(events.length),
      onFailure: (error) => assert.fail(error),
    });
    const current = subject;
    // A callback queued on the event loop (not a 1 ms timer, which a fast catch-up can outrun) must run
    // before the catch-up ends: the subscription yields between batches.
    setImmediate(() => (timer.firedAt = current.position() ?? 'before the first batch'));
    subject.start(undefined);
    assert.equal(subject.caughtUp(), false);
    await waitUntil(() => current.caughtUp(), { timeoutMs: 5_000, intervalMs: 1, message: 'caught up' });

    assert.deepEqual(batches, [10, 10, 10, 10, 10]);
    assert.deepEqual(
      checkpoints.saved.map((checkpoint) => checkpoint.position),
      [100n, 200n, 300n, 400n, 500n],
    );
    assert.equal(subject.position(), head);
    assert.ok(timer.firedAt !== undefined, 'the timer never fired');
    assert.ok(
      timer.firedAt === 'before the first batch' || timer.firedAt < head,
      'the timer waited for the whole catch-up',
    );
  });

  it('starts after the given position and then follows live events one at a time', async () => {
    const from = await appendTicks(3);
    const seen: number[][] = [];
    subject = new CheckpointedSubscription({
      eventStore,
      checkpoints: memoryCheckpoints(),
      handle: async (events) => void seen.push(events.map((recorded) => recorded.data.n as number)),
      onFailure: (error) => assert.fail(error),
    });
    const more = await eventStore.appendToStream('late-1', [event(7)], 'no_stream');
    subject.start(from);
    const current = subject;
    await waitUntil(() => current.position() === more.position, { timeoutMs: 5_000, intervalMs: 1 });
    const live = await eventStore.appendToStream('late-2', [event(8)], 'no_stream');
    await waitUntil(() => current.position() === live.position, { timeoutMs: 5_000, intervalMs: 1 });
    assert.deepEqual(seen, [[7], [8]]);
  });

  it('handles a failing batch again event by event and stops exactly at the failing event', async () => {
    await appendTicks(6);
    const checkpoints = memoryCheckpoints();
    const handled: number[] = [];
    const failures: Error[] = [];
    subject = new CheckpointedSubscription({
      eventStore,
      checkpoints,
      batchSize: 100,
      handle: async (events: readonly RecordedEvent[]) => {
        if (events.some((recorded) => recorded.data.n === 3)) throw new Error('bad tick');
        handled.push(...events.map((recorded) => recorded.data.n as number));
      },
      onFailure: (error) => failures.push(error),
    });
    subject.start(undefined);
    await waitUntil(() => failures.length > 0, { timeoutMs: 5_000, intervalMs: 1 });
    assert.equal(failures[0]?.message, 'bad tick');
    assert.deepEqual(handled, [0, 1, 2]);
    assert.equal(subject.position(), 30n);
    assert.equal(checkpoints.saved.at(-1)?.position, 30n);
    assert.equal(subject.caughtUp(), false);
  });
});
