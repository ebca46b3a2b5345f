import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../../src/infrastructure/event-store/event-store';
import {
  computeEventHash,
  streamAnchor,
  withoutChain,
} from '../../src/infrastructure/event-store/hash-chain';
import { waitUntil } from '../support/wait-until';

/** Unique per test, so the suite can run against a shared EventStoreDB. */
const streamName = (category = 'contract'): string => `${category}-${randomUUID().replace(/-/g, '')}`;

const newEvent = (type = 'ThingHappened', data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    correlationId: `req_${randomUUID()}`,
    actor: { id: 'key_contract', kind: 'api_key' },
    occurredAt: '2026-01-15T10:00:00.000Z',
    schemaVersion: 1,
  },
});

const events = (count: number, type?: string): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(type, { i }));

/** Appends `items` to `target` and returns them, to record the global order while appending. */
const push = <T>(target: T[], items: T[]): T[] => {
  target.push(...items);
  return items;
};

const isSystemEvent = (event: { type: string }): boolean => event.type.startsWith('$');

const ids = (list: readonly { id: string }[]): string[] => list.map((event) => event.id);

const isStrictlyIncreasing = (positions: readonly GlobalPosition[]): boolean =>
  positions.every((position, i) => i === 0 || position > positions[i - 1]!);

const rejectsWithWrongRevision = async (
  append: Promise<unknown>,
  expected: Pick<WrongExpectedRevisionError, 'streamName' | 'expected' | 'actual'>,
): Promise<void> => {
  await assert.rejects(append, (error: unknown) => {
    assert.ok(
      error instanceof WrongExpectedRevisionError,
      `expected WrongExpectedRevisionError, got ${String(error)}`,
    );
    assert.equal(error.name, 'WrongExpectedRevisionError');
    assert.deepEqual(
      { streamName: error.streamName, expected: error.expected, actual: error.actual },
      { ...expected },
    );
    return true;
  });
};

/** Records what a subscription delivers from the given streams (a shared store may hold others' events). */
const collect = (store: EventStore, streams: readonly string[], fromPosition?: GlobalPosition) => {
  const wanted = new Set(streams);
  const delivered: RecordedEvent[] = [];
  const errors: Error[] = [];
  const subscription: Subscription = store.subscribeToAll({
    fromPosition,
    onEvent: async (event) => {
      if (isSystemEvent(event)) errors.push(new Error(`system event delivered: ${event.type}`));
      if (wanted.has(event.streamName)) delivered.push(event);
    },
    onError: (error) => errors.push(error),
  });
  const received = (count: number, message = `${count} events`): Promise<void> =>
    waitUntil(
      () => {
        if (errors[0]) throw errors[0];
        return delivered.length >= count;
      },
      { message },
    );
  return { delivered, errors, subscription, received };
};

export const eventStoreContract = (name: string, open: () => Promise<EventStore>): Mocha.Suite =>
  describe(`EventStore contract: ${name}`, function () {
    this.timeout(60_000);
    let store: EventStore;
    const subscriptions: Subscription[] = [];
    const track = <T extends { subscription: Subscription }>(collected: T): T => {
      subscriptions.push(collected.subscription);
      return collected;
    };

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
      await store.close();
    });

    describe('appendToStream', () => {
      it('creates a stream with no_stream and numbers its events from 0', async () => {
        const stream = streamName();
        const batch = events(3);
        const result = await store.appendToStream(stream, batch, 'no_stream');
        assert.equal(result.nextExpectedRevision, 2);
        assert.equal(typeof result.position, 'bigint');
        const read = await store.readStream(stream);
        assert.deepEqual(ids(read), ids(batch));
        assert.deepEqual(
          read.map((event) => event.revision),
          [0, 1, 2],
        );
        assert.ok(read.every((event) => event.streamName === stream));
        assert.equal(read[2]!.position, result.position);
        assert.ok(!Number.isNaN(Date.parse(read[0]!.recordedAt)), 'recordedAt is a timestamp');
      });

      it('appends with the exact expected revision', async () => {
        const stream = streamName();
        const first = await store.appendToStream(stream, events(1), 'no_stream');
        const second = await store.appendToStream(stream, events(2), first.nextExpectedRevision);
        assert.equal(second.nextExpectedRevision, 2);
        assert.ok(second.position > first.position);
        const third = await store.appendToStream(stream, events(1), second.nextExpectedRevision);
        assert.equal(third.nextExpectedRevision, 3);
        assert.equal((await store.readStream(stream)).length, 4);
      });

      it('refuses a revision for a stream that does not exist', async () => {
        const stream = streamName();
        await rejectsWithWrongRevision(store.appendToStream(stream, events(1), 0), {
          streamName: stream,
          expected: 0,
          actual: 'no_stream',
        });
        assert.deepEqual(await store.readStream(stream), []);
      });

      it('refuses a stale revision and reports the actual one', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(2), 'no_stream');
        await rejectsWithWrongRevision(store.appendToStream(stream, events(1), 0), {
          streamName: stream,
          expected: 0,
          actual: 1,
        });
        await rejectsWithWrongRevision(store.appendToStream(stream, events(1), 5), {
          streamName: stream,
          expected: 5,
          actual: 1,
        });
        assert.equal((await store.readStream(stream)).length, 2);
      });

      it('refuses no_stream on an existing stream', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), 'no_stream');
        await rejectsWithWrongRevision(store.appendToStream(stream, events(1), 'no_stream'), {
          streamName: stream,
          expected: 'no_stream',
          actual: 0,
        });
        assert.equal((await store.readStream(stream)).length, 1);
      });

      it('treats a retry with the same event ids as the original append', async () => {
        const stream = streamName();
        const created = events(2);
        const first = await store.appendToStream(stream, created, 'no_stream');
        assert.deepEqual(await store.appendToStream(stream, created, 'no_stream'), first);

        const updated = events(2);
        const second = await store.appendToStream(stream, updated, first.nextExpectedRevision);
        assert.deepEqual(await store.appendToStream(stream, updated, first.nextExpectedRevision), second);
        assert.deepEqual(await store.appendToStream(stream, created, 'no_stream'), first);

        const read = await store.readStream(stream);
        assert.deepEqual(ids(read), [...ids(created), ...ids(updated)]);
      });

      it('lets exactly one of concurrent appends at the same revision win', async () => {
        const stream = streamName();
        const { nextExpectedRevision } = await store.appendToStream(stream, events(1), 'no_stream');
        const attempts = Array.from({ length: 10 }, () => [newEvent()]);
        const outcomes = await Promise.allSettled(
          attempts.map((batch) => store.appendToStream(stream, batch, nextExpectedRevision)),
        );
        const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
        assert.equal(won.length, 1, 'exactly one append wins');
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') assert.ok(outcome.reason instanceof WrongExpectedRevisionError);
        }
        const read = await store.readStream(stream);
        assert.equal(read.length, 2);
        assert.equal(read[1]!.id, attempts[won[0]!]![0]!.id);
      });

      it('refuses an empty append', async () => {
        await assert.rejects(store.appendToStream(streamName(), [], 'no_stream'), TypeError);
      });

      it('round-trips data and metadata exactly', async () => {
        const stream = streamName();
        const rich: NewEvent = {
          id: randomUUID(),
          type: 'PaymentIntentAuthorized',
          data: {
            amount: 12_345,
            currency: 'TRY',
            merchant: {
              name: 'Şarj İstasyonu Ğüşöç',
              tags: ['ev', 'hızlı', '⚡'],
              address: { city: '東京' },
            },
            nested: { deeper: { deepest: [1, { x: null }, [true, false]] } },
            emoji: '👩🏽‍🔧',
            empty: {},
            zero: 0,
            negative: -1.5,
          },
          metadata: {
            correlationId: 'req_ünïcødé',
            causationId: randomUUID(),
            actor: { id: 'trm_01J', kind: 'jwt' },
            idempotencyKey: 'idem-🔑',
            occurredAt: '2026-01-15T10:00:00.123Z',
            schemaVersion: 2,
          },
        };
        const plain = newEvent('Plain');
        await store.appendToStream(stream, [rich, plain], 'no_stream');
        const read = await store.readStream(stream);
        // The store adds the hash chain to the metadata; everything else reads back as written.
        const strip = ({ id, type, data, metadata }: NewEvent): NewEvent => ({
          id,
          type,
          data,
          metadata: withoutChain(metadata),
        });
        assert.deepStrictEqual(read.map(strip), [rich, plain]);

        const fromAll = await store.readAll({ fromPosition: read[0]!.position, limit: 1 });
        assert.deepStrictEqual(fromAll.map(strip), [plain]);
        const { delivered, received } = track(collect(store, [stream]));
        await received(2);
        assert.deepStrictEqual(delivered.map(strip), [rich, plain]);
      });
    });

    describe('streamHead', () => {
      it("gives the last event's revision and position, and undefined for an unknown stream", async () => {
        const stream = streamName();
        assert.equal(await store.streamHead(stream), undefined);
        const first = await store.appendToStream(stream, events(3), 'no_stream');
        await store.appendToStream(streamName(), events(1), 'no_stream');
        assert.deepEqual(await store.streamHead(stream), { revision: 2, position: first.position });
        const second = await store.appendToStream(stream, events(2), first.nextExpectedRevision);
        assert.deepEqual(await store.streamHead(stream), { revision: 4, position: second.position });
      });
    });

    describe('readStream', () => {
      it('reads in order, from a revision, and [] for an unknown stream', async () => {
        const stream = streamName();
        const first = events(3);
        const { nextExpectedRevision } = await store.appendToStream(stream, first, 'no_stream');
        const second = events(2);
        await store.appendToStream(stream, second, nextExpectedRevision);
        assert.deepEqual(ids(await store.readStream(stream)), ids([...first, ...second]));
        assert.deepEqual(ids(await store.readStream(stream, { fromRevision: 3 })), ids(second));
        assert.deepEqual(
          (await store.readStream(stream, { fromRevision: 4 })).map((event) => event.revision),
          [4],
        );
        assert.deepEqual(await store.readStream(stream, { fromRevision: 5 }), []);
        assert.deepEqual(await store.readStream(streamName('unknown')), []);
      });
    });

    describe('readAll and headPosition', () => {
      it('has no head position while the store holds no events', async function () {
        if ((await store.readAll({ limit: 1 })).length > 0) this.skip(); // a shared store
        assert.equal(await store.headPosition(), undefined);
        const { position } = await store.appendToStream(streamName(), events(1), 'no_stream');
        assert.equal(await store.headPosition(), position);
      });

      it('orders events of all streams by strictly increasing global positions', async () => {
        const [a, b] = [streamName('a'), streamName('b')];
        const appended: NewEvent[] = [];
        let revisionA = await store.appendToStream(a, push(appended, events(2)), 'no_stream');
        let revisionB = await store.appendToStream(b, push(appended, events(1)), 'no_stream');
        revisionA = await store.appendToStream(a, push(appended, events(1)), revisionA.nextExpectedRevision);
        revisionB = await store.appendToStream(b, push(appended, events(3)), revisionB.nextExpectedRevision);
        assert.ok(revisionB.position > revisionA.position);
        assert.equal(await store.headPosition(), revisionB.position);

        const everything = await store.readAll();
        assert.deepEqual(everything.filter(isSystemEvent), [], 'no system events');
        const all = everything.filter((event) => event.streamName === a || event.streamName === b);
        assert.deepEqual(ids(all), ids(appended));
        assert.ok(isStrictlyIncreasing(all.map((event) => event.position)));
        assert.equal(all.at(-1)!.position, revisionB.position);
      });

      it('pages with fromPosition (exclusive) and limit', async () => {
        const head = await store.headPosition();
        const stream = streamName();
        const appended = events(7);
        await store.appendToStream(stream, appended.slice(0, 4), 'no_stream');
        await store.appendToStream(stream, appended.slice(4), 3);

        const paged: RecordedEvent[] = [];
        let after = head;
        for (let pages = 0; paged.length < appended.length; pages += 1) {
          assert.ok(pages < 100, 'paging terminates');
          const page = await store.readAll({ fromPosition: after, limit: 3 });
          assert.ok(page.length > 0 && page.length <= 3, `page of ${page.length}`);
          if (after !== undefined) assert.ok(page[0]!.position > after, 'fromPosition is exclusive');
          paged.push(...page.filter((event) => event.streamName === stream));
          after = page.at(-1)!.position;
        }
        assert.deepEqual(ids(paged), ids(appended));
        assert.deepEqual(await store.readAll({ fromPosition: paged.at(-1)!.position }), []);

        const afterSecond = await store.readAll({ fromPosition: paged[1]!.position, limit: 2 });
        assert.deepEqual(ids(afterSecond), ids(appended.slice(2, 4)));
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from the start, then delivers live events', async () => {
        const stream = streamName();
        const past = events(3);
        const { nextExpectedRevision } = await store.appendToStream(stream, past, 'no_stream');
        const { delivered, received } = track(collect(store, [stream]));
        await received(3, 'the catch-up');
        const live = events(2);
        await store.appendToStream(stream, live.slice(0, 1), nextExpectedRevision);
        await store.appendToStream(stream, live.slice(1), nextExpectedRevision + 1);
        await received(5, 'the live events');
        assert.deepEqual(ids(delivered), ids([...past, ...live]));
        assert.ok(isStrictlyIncreasing(delivered.map((event) => event.position)));
      });

      it('starts strictly after a checkpoint', async () => {
        const stream = streamName();
        const first = await store.appendToStream(stream, events(1), 'no_stream');
        const rest = events(2);
        await store.appendToStream(stream, rest, first.nextExpectedRevision);
        const { delivered, received } = track(collect(store, [stream], first.position));
        await received(2);
        const later = newEvent();
        await store.appendToStream(stream, [later], 2);
        await received(3);
        assert.deepEqual(ids(delivered), ids([...rest, later]));
      });

      it('delivers many events once each, in order, while appends continue during the catch-up', async () => {
        const head = await store.headPosition();
        const streams = [streamName('x'), streamName('y'), streamName('z')];
        const revisions = new Map<string, number>();
        const appended: NewEvent[] = [];
        const appendBatch = async (i: number): Promise<void> => {
          const stream = streams[i % streams.length]!;
          const batch = events(1 + (i % 4));
          const expected = revisions.get(stream) ?? 'no_stream';
          revisions.set(stream, (await store.appendToStream(stream, batch, expected)).nextExpectedRevision);
          appended.push(...batch);
        };
        let batches = 0;
        while (appended.length < 250) await appendBatch(batches++);

        let inFlight = 0;
        const delivered: RecordedEvent[] = [];
        const errors: Error[] = [];
        const subscription = store.subscribeToAll({
          fromPosition: head,
          onEvent: async (event) => {
            inFlight += 1;
            assert.equal(inFlight, 1, 'one delivery at a time');
            if (streams.includes(event.streamName)) delivered.push(event);
            if (delivered.length % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
            inFlight -= 1;
          },
          onError: (error) => errors.push(error),
        });
        subscriptions.push(subscription);
        while (appended.length < 500) await appendBatch(batches++);

        await waitUntil(() => errors.length > 0 || delivered.length >= appended.length, {
          message: `${appended.length} deliveries`,
        });
        assert.deepEqual(errors, []);
        assert.equal(delivered.length, appended.length);
        assert.deepEqual(ids(delivered), ids(appended));
        assert.ok(isStrictlyIncreasing(delivered.map((event) => event.position)));
      });

      it('waits for the delivery in flight on close, then delivers nothing more', async () => {
        const stream = streamName();
        const first = await store.appendToStream(stream, events(1), 'no_stream');
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const delivered: RecordedEvent[] = [];
        let finished = 0;
        const subscription = store.subscribeToAll({
          onEvent: async (event) => {
            if (event.streamName !== stream) return;
            delivered.push(event);
            await gate;
            finished += 1;
          },
        });
        subscriptions.push(subscription);
        await waitUntil(() => delivered.length === 1, { message: 'the first delivery' });
        let closed = false;
        const closing = subscription.close().then(() => (closed = true));
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(closed, false, 'close waits for the delivery in flight');
        release();
        await closing;
        assert.equal(finished, 1);

        await store.appendToStream(stream, events(1), first.nextExpectedRevision);
        const witness = track(collect(store, [stream], first.position));
        await witness.received(1, 'a second subscription to see the later event');
        assert.equal(delivered.length, 1, 'nothing is delivered after close');
      });

      it('stops and reports when onEvent throws', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(3), 'no_stream');
        let calls = 0;
        const errors: Error[] = [];
        const subscription = store.subscribeToAll({
          onEvent: async (event) => {
            if (event.streamName !== stream) return;
            calls += 1;
            throw new Error('projection failed');
          },
          onError: (error) => errors.push(error),
        });
        subscriptions.push(subscription);
        await waitUntil(() => errors.length > 0, { message: 'onError' });
        assert.equal(errors[0]!.message, 'projection failed');
        assert.equal(calls, 1);
      });
    });

    describe('hash chain', () => {
      it('anchors the first event on the stream name and chains every later one on the one before', async () => {
        const stream = streamName();
        const first = await store.appendToStream(stream, events(2), 'no_stream');
        await store.appendToStream(stream, events(1), first.nextExpectedRevision);
        const read = await store.readStream(stream);
        assert.equal(read[0]!.metadata.previousHash, streamAnchor(stream));
        for (const [i, event] of read.entries()) {
          assert.equal(event.metadata.hash, computeEventHash(event), `hash of revision ${i}`);
          if (i > 0) assert.equal(event.metadata.previousHash, read[i - 1]!.metadata.hash);
        }
        assert.equal(new Set(read.map((event) => event.metadata.hash)).size, 3);
      });

      it('replaces chain fields a caller sends, and gives $all readers the same hashes', async () => {
        const stream = streamName();
        const forged = newEvent();
        forged.metadata = { ...forged.metadata, previousHash: 'forged', hash: 'forged' };
        const before = await store.headPosition();
        await store.appendToStream(stream, [forged], 'no_stream');
        const [stored] = await store.readStream(stream);
        assert.equal(stored!.metadata.hash, computeEventHash(stored!));
        assert.equal(stored!.metadata.previousHash, streamAnchor(stream));
        const fromAll = (await store.readAll({ fromPosition: before })).find((e) => e.streamName === stream);
        assert.deepEqual(fromAll!.metadata, stored!.metadata);
      });

      it('keeps the chain through an idempotent retry', async () => {
        const stream = streamName();
        const batch = events(2);
        await store.appendToStream(stream, batch, 'no_stream');
        await store.appendToStream(stream, batch, 'no_stream');
        const read = await store.readStream(stream);
        assert.equal(read.length, 2);
        assert.equal(read[1]!.metadata.previousHash, read[0]!.metadata.hash);
      });
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
