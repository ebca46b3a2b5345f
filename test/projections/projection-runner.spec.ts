import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { GlobalPosition, NewEvent } from '../../src/infrastructure/event-store/event-store';
import { silentLogger, type Logger } from '../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import type { ReadCollection, ReadStore } from '../../src/infrastructure/read-store/read-store';
import type { Projection } from '../../src/projections/projection';
import { CHECKPOINTS_COLLECTION } from '../../src/projections/projection-checkpoints';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { InMemoryEventStore } from '../support/in-memory-event-store';
import { waitUntil } from '../support/wait-until';
import { counterProjection, type CounterDocument } from './toy-counter.projection';

/** Stands in for MongoDB: keeps its documents across runner restarts. */
class DurableMemoryReadStore extends MemoryReadStore {
  override readonly volatile = false;
}

const WAIT_MS = 10_000;

// The status changes inside the subscription, so wait for it (bounded) instead of sleeping.
const waitForStatus = (subject: ProjectionRunner, status: string): Promise<void> =>
  waitUntil(() => subject.status() === status, {
    timeoutMs: WAIT_MS,
    intervalMs: 5,
    message: `status ${status}`,
  });

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

/** Wraps a projection to count the documents it is asked to evolve. */
const counting = <D extends CounterDocument>(projection: Projection<D>) => {
  const counter = { calls: 0 };
  const wrapped: Projection<D> = {
    ...projection,
    evolve: (doc, event) => {
      counter.calls += 1;
      return projection.evolve(doc, event);
    },
  };
  return { projection: wrapped, counter };
};

const capturingLogger = (): { logger: Logger; entries: Record<string, unknown>[] } => {
  const entries: Record<string, unknown>[] = [];
  const stream = new Writable({
    objectMode: true,
    write: (entry: Record<string, unknown>, _encoding, done) => {
      entries.push(entry);
      done();
    },
  });
  return {
    logger: winston.createLogger({ transports: [new winston.transports.Stream({ stream })] }),
    entries,
  };
};

describe('ProjectionRunner', () => {
  let eventStore: InMemoryEventStore;
  let readStore: ReadStore;
  let runners: ProjectionRunner[];

  const runner = (options: { projections?: Projection<CounterDocument>[]; logger?: Logger } = {}) => {
    const created = new ProjectionRunner({
      eventStore,
      readStore,
      projections: options.projections ?? [counterProjection],
      logger: options.logger ?? silentLogger(),
    });
    runners.push(created);
    return created;
  };

  const append = async (counterId: string, ...events: NewEvent[]): Promise<GlobalPosition> => {
    const stream = `counter-${counterId}`;
    const existing = await eventStore.readStream(stream);
    const expected = existing.length === 0 ? 'no_stream' : existing.length - 1;
    return (await eventStore.appendToStream(stream, events, expected)).position;
  };
  const open = (counterId: string, label = `counter ${counterId}`) =>
    append(counterId, newEvent('CounterOpened', { counterId, label }));
  const increment = (counterId: string, by: number) =>
    append(counterId, newEvent('CounterIncremented', { counterId, by }));
  const close = (counterId: string) => append(counterId, newEvent('CounterClosed', { counterId }));

  const counters = () => readStore.collection<CounterDocument>('counters');
  const allCounters = () => counters().find({}, { sort: { _id: 1 } });
  const caughtUp = async (subject: ProjectionRunner) =>
    assert.equal(await subject.waitForHead(WAIT_MS), true, 'runner did not catch up');

  beforeEach(() => {
    eventStore = new InMemoryEventStore();
    readStore = new MemoryReadStore();
    runners = [];
  });

  afterEach(async () => {
    for (const subject of runners) await subject.stop();
    await eventStore.close();
    await readStore.close();
  });

  it('catches up with past events, then follows live ones', async () => {
    await open('c1');
    await increment('c1', 2);
    const subject = runner();
    await subject.start();
    assert.equal(subject.status(), 'running');
    await caughtUp(subject);
    assert.deepEqual(await counters().findOne({ _id: 'c1' }), {
      _id: 'c1',
      label: 'counter c1',
      count: 2,
      version: 2,
      _position: '20',
    });

    const live = await increment('c1', 5);
    assert.equal(await subject.waitForPosition(live, WAIT_MS), true);
    assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 7);
    assert.equal(subject.position(), live);
  });

  it('creates the indexes projections ask for', async () => {
    const subject = runner();
    await subject.start();
    await open('c1', 'same label');
    await open('c2', 'same label');
    await waitForStatus(subject, 'failed');
    assert.match(subject.failure()?.message ?? '', /duplicate key/);
  });

  it('starts without waiting for the history, and says when it has caught up with it', async () => {
    for (let n = 1; n <= 30; n++) await open(`c${n}`);
    const subject = runner();
    await subject.start();
    assert.equal(subject.caughtUp(), false, 'caught up before reading anything');
    await caughtUp(subject);
    await waitUntil(() => subject.caughtUp(), { timeoutMs: WAIT_MS, intervalMs: 1, message: 'caughtUp()' });
    assert.equal((await allCounters()).length, 30);
    await subject.stop();
    assert.equal(subject.caughtUp(), false, 'a stopped runner serves nothing');
  });

  it('deletes the document when evolve returns null', async () => {
    await open('c1');
    await open('c2');
    const subject = runner();
    await subject.start();
    const deleted = await close('c1');
    assert.equal(await subject.waitForPosition(deleted, WAIT_MS), true);
    assert.deepEqual(
      (await allCounters()).map((doc) => doc._id),
      ['c2'],
    );
  });

  it('ignores events delivered twice', async () => {
    eventStore.duplicateDeliveries = true;
    await open('c1');
    await increment('c1', 1);
    const subject = runner();
    await subject.start();
    await increment('c1', 10);
    await caughtUp(subject);
    assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 11);
  });

  it('starts from zero on a volatile store, where the position guards make the replay change nothing', async () => {
    await open('c1');
    await increment('c1', 3);
    await runner().start();
    await caughtUp(runners[0]!);
    await runners[0]!.stop();
    const before = await allCounters();

    const { projection, counter } = counting(counterProjection);
    const restarted = runner({ projections: [projection] });
    await restarted.start();
    assert.equal(restarted.position(), undefined);
    await caughtUp(restarted);
    assert.equal(counter.calls, 0, 'a guarded document was evolved again');
    assert.deepEqual(await allCounters(), before);
  });

  describe('on a store that keeps its documents', () => {
    beforeEach(() => {
      readStore = new DurableMemoryReadStore();
    });

    it('resumes after its checkpoint without reapplying anything', async () => {
      await open('c1');
      await increment('c1', 3);
      const first = runner();
      await first.start();
      await caughtUp(first);
      await first.stop();
      assert.equal(first.status(), 'stopped');

      const { projection, counter } = counting(counterProjection);
      const second = runner({ projections: [projection] });
      await second.start();
      assert.equal(second.position(), 20n);
      const next = await increment('c1', 4);
      assert.equal(await second.waitForPosition(next, WAIT_MS), true);
      assert.equal(counter.calls, 1);
      assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 7);
    });

    it('changes nothing when the checkpoint lags behind the documents after a crash', async () => {
      await open('c1');
      await increment('c1', 3);
      await increment('c1', 4);
      const first = runner();
      await first.start();
      await caughtUp(first);
      await first.stop();
      const before = await allCounters();
      await readStore
        .collection(CHECKPOINTS_COLLECTION)
        .updateOne({ _id: 'projections' }, { $set: { position: '10' } });

      const { projection, counter } = counting(counterProjection);
      const second = runner({ projections: [projection] });
      await second.start();
      await caughtUp(second);
      assert.equal(counter.calls, 0);
      assert.deepEqual(await allCounters(), before);
    });

    it('replays from the start for a projection added since the checkpoint', async () => {
      await open('c1');
      await increment('c1', 3);
      const first = runner();
      await first.start();
      await caughtUp(first);
      await first.stop();

      const copy: Projection<CounterDocument> = { ...counterProjection, name: 'copy', collection: 'copies' };
      const second = runner({ projections: [counterProjection, copy] });
      await second.start();
      await caughtUp(second);
      assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 3);
      assert.equal((await readStore.collection<CounterDocument>('copies').findOne({ _id: 'c1' }))?.count, 3);
    });

    it('rebuilds from zero to the same documents, dropping strays', async () => {
      await open('c1');
      await increment('c1', 3);
      await open('c2');
      await open('c3');
      await close('c2');
      const { projection, counter } = counting(counterProjection);
      const subject = runner({ projections: [projection] });
      await subject.start();
      await increment('c3', 9);
      await caughtUp(subject);
      const live = await allCounters();
      await counters().replaceOne(
        { _id: 'stray' },
        { _id: 'stray', label: 'x', count: 0, version: 1 },
        { upsert: true },
      );
      const callsBefore = counter.calls;

      await subject.rebuild();
      await caughtUp(subject);

      assert.equal(subject.status(), 'running');
      assert.equal(counter.calls, callsBefore * 2, 'the rebuild did not replay every event');
      assert.deepEqual(await allCounters(), live);
    });
  });

  describe('waitForPosition', () => {
    it('answers true at once for an applied position, and as soon as a later one is applied', async () => {
      const first = await open('c1');
      const subject = runner();
      await subject.start();
      assert.equal(await subject.waitForPosition(first, WAIT_MS), true);
      const waiting = subject.waitForPosition(first + 10n, WAIT_MS);
      await increment('c1', 1);
      assert.equal(await waiting, true);
    });

    it('answers false when the position is not reached in time, or the runner stops', async () => {
      const subject = runner();
      await subject.start();
      assert.equal(await subject.waitForPosition(1_000n, 20), false);
      const waiting = subject.waitForPosition(1_000n, WAIT_MS);
      await subject.stop();
      assert.equal(await waiting, false);
      assert.equal(await subject.waitForPosition(1_000n, WAIT_MS), false);
    });
  });

  it('reports its lag as the age of the oldest event not yet applied', async () => {
    await open('c1');
    await increment('c1', 1);
    const [first] = await eventStore.readAll({ limit: 1 });
    const fiveSecondsLater = Date.parse(first!.recordedAt) + 5_000;
    const subject = runner();
    assert.deepEqual(await subject.lag(fiveSecondsLater), {
      head: 20n,
      applied: undefined,
      behindSeconds: 5,
    });
    await subject.start();
    await caughtUp(subject);
    assert.deepEqual(await subject.lag(fiveSecondsLater), { head: 20n, applied: 20n, behindSeconds: 0 });
  });

  it('retries a read store that fails for a while, then applies every event once', async () => {
    const failures = { left: 3 };
    const original = readStore.collection.bind(readStore);
    readStore.collection = ((name: string) => {
      const collection = original(name);
      if (name !== 'counters') return collection;
      return Object.assign(Object.create(collection), {
        replaceOne: async (...args: Parameters<ReadCollection<CounterDocument>['replaceOne']>) => {
          if (failures.left > 0) {
            failures.left -= 1;
            throw new Error('connection reset');
          }
          return collection.replaceOne(...args);
        },
      });
    }) as typeof readStore.collection;
    await open('c1');
    const last = await increment('c1', 2);
    const subject = runner();
    await subject.start();
    assert.equal(await subject.waitForPosition(last, 10_000), true);
    assert.equal(subject.status(), 'running');
    assert.equal(failures.left, 0);
    assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 2);
  });

  it('stops with a failed status and logs the event when evolve throws, without skipping it', async () => {
    const fragile: Projection<CounterDocument> = {
      ...counterProjection,
      evolve: (doc, event) => {
        if (event.data.by === 13) throw new Error('unlucky increment');
        return counterProjection.evolve(doc, event);
      },
    };
    const { logger, entries } = capturingLogger();
    await open('c1');
    const failing = await increment('c1', 13);
    const subject = runner({ projections: [fragile], logger });
    await subject.start();
    await waitForStatus(subject, 'failed');
    await increment('c1', 1);

    assert.deepEqual(subject.failure(), {
      message: 'unlucky increment',
      projection: 'counters',
      event: { streamName: 'counter-c1', type: 'CounterIncremented', revision: 1, position: failing },
    });
    assert.equal(subject.position(), failing - 10n);
    assert.equal(await subject.waitForPosition(failing, WAIT_MS), false);
    assert.equal((await counters().findOne({ _id: 'c1' }))?.count, 0);
    const logged = entries.find((entry) => entry.level === 'error');
    assert.ok(logged, 'nothing was logged at error level');
    assert.equal(logged.streamName, 'counter-c1');
    assert.equal(logged.eventType, 'CounterIncremented');
    assert.equal(logged.position, Number(failing));
    assert.equal(logged.projection, 'counters');
  });
});
