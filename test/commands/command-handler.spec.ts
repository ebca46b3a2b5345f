import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConcurrencyConflictError,
  PreconditionFailedError,
  commandHandlerFor,
} from '../../src/commands/command-handler';
import { paymentIntentAggregate } from '../../src/commands/payment-intents/payment-intent.service';
import type { CommandContext } from '../../src/commands/command-context';
import type { PaymentIntentCommand } from '../../src/domain/payment-intent/payment-intent.commands';
import { paymentIntentFromStream } from '../../src/projections/payment-intents/payment-intent.projection';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import {
  WrongExpectedRevisionError,
  type EventStore,
} from '../../src/infrastructure/event-store/event-store';
import { authorize, capture, create } from '../domain/payment-intent/payment-intent.fixtures';

const ID = 'pi_1';
const STREAM = 'payment_intent-pi_1';
/** Each call is a fresh handler, as another process would have: nothing cached. */
const handleCommand = (
  eventStore: EventStore,
  id: string,
  command: PaymentIntentCommand,
  commandContext: CommandContext,
  options: { expectedVersion?: number } = {},
) => commandHandlerFor(eventStore, paymentIntentAggregate).handle(id, command, commandContext, options);
const context = (key?: string): CommandContext => ({
  correlationId: 'req_1',
  actor: { id: 'key_1', kind: 'api_key' },
  ...(key ? { idempotency: { scope: 'key_1', key } } : {}),
});

describe('command handler', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
  });
  afterEach(() => store.close());

  it('appends the decided events with metadata, and returns the new version and stream', async () => {
    const result = await handleCommand(store, ID, create(), context());
    assert.equal(result.version, 1);
    assert.equal(result.state.status, 'requires_authorization');
    const [event] = await store.readStream(STREAM);
    assert.equal(event?.type, 'PaymentIntentCreated');
    assert.deepEqual(event?.metadata.actor, { id: 'key_1', kind: 'api_key' });
    assert.equal(event?.metadata.correlationId, 'req_1');
    assert.equal(event?.metadata.occurredAt, create().now);
  });

  it('answers PreconditionFailed when the expected version is not the current one, appending nothing', async () => {
    await handleCommand(store, ID, create(), context());
    await assert.rejects(
      handleCommand(store, ID, authorize(), context(), { expectedVersion: 3 }),
      PreconditionFailedError,
    );
    assert.equal((await store.readStream(STREAM)).length, 1);
  });

  it('retries against the new state when it loses a race, so the decision sees the winner', async () => {
    await handleCommand(store, ID, create(), context());
    await handleCommand(store, ID, authorize(), context());
    const racing = Object.create(store) as EventStore;
    let raced = false;
    racing.appendToStream = async (name, events, expected) => {
      if (!raced) {
        raced = true;
        await handleCommand(store, ID, capture(4_000), context());
      }
      return store.appendToStream(name, events, expected);
    };
    await assert.rejects(handleCommand(racing, ID, capture(3_000), context()), /cannot capture/);
  });

  it('gives up with ConcurrencyConflictError after bounded retries', async () => {
    await handleCommand(store, ID, create(), context());
    const alwaysLosing = Object.create(store) as EventStore;
    alwaysLosing.appendToStream = async (name) => {
      throw new WrongExpectedRevisionError(name, 0, 5);
    };
    await assert.rejects(handleCommand(alwaysLosing, ID, authorize(), context()), ConcurrencyConflictError);
  });

  it('does not apply a command twice when its Idempotency-Key is already in the stream', async () => {
    await handleCommand(store, ID, create(), context('k-create'));
    await handleCommand(store, ID, authorize(), context('k-auth'));
    const retried = await handleCommand(store, ID, authorize(), context('k-auth'));
    assert.deepEqual(retried.appended, []);
    assert.equal(retried.version, 2);
    assert.equal((await store.readStream(STREAM)).length, 2);
  });

  it('derives event ids from the Idempotency-Key, so a retried append is recognised by the store', async () => {
    const first = await handleCommand(store, 'pi_a', create(), context('same'));
    const other = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
    try {
      const again = await handleCommand(other, 'pi_a', create(), context('same'));
      assert.equal(again.appended[0]?.id, first.appended[0]?.id);
    } finally {
      await other.close();
    }
  });
});

describe('command handler: state kept per stream', () => {
  let store: EventStore;
  let reads: { streamName: string; fromRevision: number }[];
  let eventsRead: number;
  let counting: EventStore;
  beforeEach(() => {
    store = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
    reads = [];
    eventsRead = 0;
    counting = Object.create(store) as EventStore;
    counting.readStream = async (streamName, options = {}) => {
      reads.push({ streamName, fromRevision: options.fromRevision ?? 0 });
      const events = await store.readStream(streamName, options);
      eventsRead += events.length;
      return events;
    };
  });
  afterEach(() => store.close());

  it('reads no event while the stream head is where its own append left it', async () => {
    const handler = commandHandlerFor(counting, paymentIntentAggregate);
    await handler.handle(ID, create(), context());
    await handler.handle(ID, authorize(), context());
    await handler.handle(ID, capture(4_000), context());
    assert.deepEqual(
      reads.map((read) => read.fromRevision),
      [0],
      'after the first, each command finds the stream head where its own previous append left it',
    );
    assert.equal(eventsRead, 0, 'a handler does not read back what it appended itself');
    const folded = await commandHandlerFor(store, paymentIntentAggregate).load(ID);
    assert.deepEqual(await handler.load(ID), folded, 'the kept state is the fold of the stored stream');
  });

  it('sees what another handler (another process) appended before deciding', async () => {
    const ours = commandHandlerFor(store, paymentIntentAggregate);
    const theirs = commandHandlerFor(store, paymentIntentAggregate);
    await ours.handle(ID, create(), context());
    await ours.handle(ID, authorize(), context());
    await theirs.handle(ID, capture(10_000), context());
    await assert.rejects(ours.handle(ID, capture(1_000), context()), /cannot capture/);
    assert.equal((await ours.load(ID)).state.status, 'captured');
  });

  it('reads only the events after the revision it holds once the head moved', async () => {
    const handler = commandHandlerFor(counting, paymentIntentAggregate);
    await handler.handle(ID, create(), context());
    await commandHandlerFor(store, paymentIntentAggregate).handle(ID, authorize(), context());
    await handler.handle(ID, capture(4_000), context());
    assert.deepEqual(
      reads.map((read) => read.fromRevision),
      [0, 1],
    );
    assert.equal(eventsRead, 1, 'the other handler’s authorization, and nothing else');
  });

  it('loads by head without reading while the head is where its state ends, and reads once it moved', async () => {
    const handler = commandHandlerFor(counting, paymentIntentAggregate);
    await handler.handle(ID, create(), context());
    assert.equal((await handler.load(ID, { byHead: true })).state.status, 'requires_authorization');
    assert.deepEqual(
      reads.map((read) => read.fromRevision),
      [0],
      'only the first command read the (empty) stream',
    );
    await commandHandlerFor(store, paymentIntentAggregate).handle(ID, authorize(), context());
    const loaded = await handler.load(ID, { byHead: true });
    assert.equal(loaded.state.status, 'authorized');
    assert.equal(loaded.version, 2);
    assert.deepEqual(
      reads.map((read) => read.fromRevision),
      [0, 1],
    );
  });
  it('loads a stream that has no events by head without reading it again, and sees its first event', async () => {
    const handler = commandHandlerFor(counting, paymentIntentAggregate);
    assert.equal((await handler.load('pi_none', { byHead: true })).version, 0);
    assert.equal((await handler.load('pi_none', { byHead: true })).version, 0);
    assert.equal(reads.length, 1, 'the second load trusted the absent head');
    await commandHandlerFor(store, paymentIntentAggregate).handle('pi_none', create(), context());
    const loaded = await handler.load('pi_none', { byHead: true });
    assert.equal(loaded.version, 1);
    assert.equal(loaded.state.status, 'requires_authorization');
  });

  it("decides again when another process's append is not in the store's cached head yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgepay-handler-'));
    const file = join(dir, 'events.sqlite');
    const ourStore = new SqliteEventStore(file, { synchronous: 'NORMAL', otherWritersCheckMs: 60_000 });
    const theirStore = new SqliteEventStore(file, { synchronous: 'NORMAL' });
    try {
      const ours = commandHandlerFor(ourStore, paymentIntentAggregate);
      await ours.handle(ID, create(), context());
      await ours.handle(ID, authorize(), context());
      await commandHandlerFor(theirStore, paymentIntentAggregate).handle(ID, capture(10_000), context());
      assert.equal((await ourStore.streamHead(STREAM))?.revision, 1, 'the head as cached: stale');
      await assert.rejects(ours.handle(ID, capture(1_000), context()), /cannot capture/);
      assert.deepEqual(
        (await ourStore.readStream(STREAM)).map((event) => event.type),
        ['PaymentIntentCreated', 'PaymentIntentAuthorized', 'PaymentIntentCaptured'],
      );
    } finally {
      await ourStore.close();
      await theirStore.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders the same document as the projection's fold of the whole stream", async () => {
    const handler = commandHandlerFor(store, paymentIntentAggregate);
    await handler.handle(ID, create(), context('k1'));
    await handler.handle(ID, authorize(), context('k2'));
    const answered = await handler.handle(ID, capture(3_000), context('k3'));
    const stream = await store.readStream(STREAM);
    assert.deepEqual(answered.view, paymentIntentFromStream(stream));
    assert.deepEqual((await handler.load(ID)).view, paymentIntentFromStream(stream));
    assert.equal((await handler.load(ID)).position, stream.at(-1)?.position);
  });

  it('recognises an applied Idempotency-Key from the cache as from the store', async () => {
    const handler = commandHandlerFor(store, paymentIntentAggregate);
    await handler.handle(ID, create(), context('k-create'));
    await handler.handle(ID, authorize(), context('k-auth'));
    const retried = await handler.handle(ID, authorize(), context('k-auth'));
    assert.deepEqual(retried.appended, []);
    assert.equal(retried.version, 2);
  });

  it('forgets the least recently used stream beyond its capacity and folds it again when asked', async () => {
    const handler = commandHandlerFor(counting, paymentIntentAggregate, { cachedStreams: 1 });
    await handler.handle('pi_a', create(), context());
    await handler.handle('pi_b', create(), context());
    reads.length = 0;
    assert.equal((await handler.load('pi_a')).version, 1);
    assert.deepEqual(reads, [{ streamName: 'payment_intent-pi_a', fromRevision: 0 }]);
  });
});

describe('command handler: assumeNew', () => {
  let store: EventStore;
  let lookups: string[];
  let counting: EventStore;
  beforeEach(() => {
    store = createEventStore({ url: 'sqlite::memory:', dataDir: '' });
    lookups = [];
    counting = Object.create(store) as EventStore;
    counting.readStream = async (streamName, options) => {
      lookups.push(`read ${streamName}`);
      return store.readStream(streamName, options);
    };
    counting.streamHead = async (streamName) => {
      lookups.push(`head ${streamName}`);
      return store.streamHead(streamName);
    };
  });
  afterEach(() => store.close());

  /** The same command through a fresh handler with and without the hint, on the same kind of stream. */
  const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      const result = (await run()) as { version: number; appended: unknown[]; state: unknown };
      return { version: result.version, appended: result.appended.length, state: result.state };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  };

  it('creates a new stream without looking it up first', async () => {
    const result = await commandHandlerFor(counting, paymentIntentAggregate).handle(ID, create(), context(), {
      assumeNew: true,
    });
    assert.equal(result.version, 1);
    assert.deepEqual(lookups, []);
    assert.equal((await store.readStream(STREAM)).length, 1);
  });

  it('answers as without the hint when the stream exists, and appends nothing more', async () => {
    await commandHandlerFor(store, paymentIntentAggregate).handle(ID, create(), context());
    const hinted = await outcome(() =>
      commandHandlerFor(counting, paymentIntentAggregate).handle(ID, create(), context(), {
        assumeNew: true,
      }),
    );
    const plain = await outcome(() =>
      commandHandlerFor(store, paymentIntentAggregate).handle(ID, create(), context()),
    );
    assert.deepEqual(hinted, plain);
    assert.ok(lookups.length > 0, 'the stream was read once the guess failed');
    assert.equal((await store.readStream(STREAM)).length, 1);
  });

  it('reads first for a command with an Idempotency-Key, whose retry the store would take for a replay', async () => {
    await commandHandlerFor(store, paymentIntentAggregate).handle(ID, create(), context('k-create'));
    const retried = await commandHandlerFor(counting, paymentIntentAggregate).handle(
      ID,
      create(),
      context('k-create'),
      { assumeNew: true },
    );
    assert.deepEqual(retried.appended, [], 'the retry is recognised, not reported as a new append');
    assert.equal(retried.version, 1);
    assert.equal((await store.readStream(STREAM)).length, 1);
  });

  it('decides on the stream as read when the initial state refuses the command', async () => {
    await commandHandlerFor(store, paymentIntentAggregate).handle(ID, create(), context());
    const authorized = await commandHandlerFor(counting, paymentIntentAggregate).handle(
      ID,
      authorize(),
      context(),
      { assumeNew: true },
    );
    assert.equal(authorized.version, 2);
    assert.equal(authorized.state.status, 'authorized');
    const onNothing = await outcome(() =>
      commandHandlerFor(counting, paymentIntentAggregate).handle('pi_2', authorize(), context(), {
        assumeNew: true,
      }),
    );
    const plainOnNothing = await outcome(() =>
      commandHandlerFor(store, paymentIntentAggregate).handle('pi_3', authorize(), context()),
    );
    assert.deepEqual(onNothing, plainOnNothing);
  });

  it('passes on a failure of the store that is not a lost race', async () => {
    const failing = Object.create(store) as EventStore;
    failing.appendToStream = async () => {
      throw new Error('disk I/O error');
    };
    await assert.rejects(
      commandHandlerFor(failing, paymentIntentAggregate).handle(ID, create(), context(), { assumeNew: true }),
      /disk I\/O error/,
    );
  });
});
