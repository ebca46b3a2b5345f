import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/infrastructure/clock';
import {
  WrongExpectedRevisionError,
  type RecordedEvent,
} from '../../src/infrastructure/event-store/event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { computeEventHash, streamAnchor } from '../../src/infrastructure/event-store/hash-chain';
import { waitUntil } from '../support/wait-until';
import { newEvent } from '../support/new-event';

const APPENDER = join(__dirname, '..', 'support', 'append-forever.ts');

/** Starts the appender child process and collects the ids it acknowledges on stdout. */
const startAppender = (path: string, stream: string, count?: number) => {
  const args = ['--require', require.resolve('tsx/cjs'), APPENDER, path, stream];
  if (count !== undefined) args.push(String(count));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: string[] = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, acknowledged, exited, stderr: () => stderr };
};

/** Each event chains on the one before it, from the stream's anchor. */
const assertChained = (streamName: string, events: readonly RecordedEvent[]): void =>
  events.forEach((event, i) => {
    assert.equal(event.metadata.hash, computeEventHash(event), `hash of revision ${i}`);
    const previous = i === 0 ? streamAnchor(streamName) : events[i - 1]!.metadata.hash;
    assert.equal(event.metadata.previousHash, previous, `chain at revision ${i}`);
  });

const assertContiguous = (events: readonly RecordedEvent[]): void =>
  assert.deepEqual(
    events.map((event) => event.revision),
    events.map((_, i) => i),
  );

/** Every batch the appender wrote is stored whole, its events side by side: appends are atomic. */
const assertWholeBatches = (events: readonly RecordedEvent[]): void => {
  for (let i = 0; i < events.length;) {
    const { batch, size } = events[i]!.data as { batch: string; size: number };
    const members = events.slice(i, i + size);
    assert.equal(members.length, size, `batch ${batch} is complete`);
    assert.ok(
      members.every((event, index) => event.data.batch === batch && event.data.index === index),
      `batch ${batch} is stored in one piece`,
    );
    i += size;
  }
};

describe('SqliteEventStore', function () {
  this.timeout(60_000);
  let dir: string;
  const children: ChildProcess[] = [];
  const stores: SqliteEventStore[] = [];
  const open = (
    path: string,
    options?: ConstructorParameters<typeof SqliteEventStore>[1],
  ): SqliteEventStore => {
    const store = new SqliteEventStore(path, options);
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgepay-sqlite-es-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event, exactly once, when the appending process is killed', async () => {
    const path = join(dir, 'killed.sqlite');
    const appender = startAppender(path, 'terminal-killed');
    children.push(appender.child);
    await waitUntil(() => appender.acknowledged.length >= 300 || appender.child.exitCode !== null, {
      timeoutMs: 30_000,
      message: '300 acknowledged events',
    });
    assert.equal(appender.child.exitCode, null, `the appender died early: ${appender.stderr()}`);
    appender.child.kill('SIGKILL');
    assert.equal((await appender.exited).signal, 'SIGKILL');
    const acknowledged = [...appender.acknowledged];

    const store = open(path);
    const stored = await store.readStream('terminal-killed');
    const storedIds = stored.map((event) => event.id);
    assert.equal(new Set(storedIds).size, storedIds.length, 'no event is stored twice');
    assertContiguous(stored);
    assert.deepEqual(
      storedIds.slice(0, acknowledged.length),
      acknowledged,
      'every acknowledged event, in order',
    );

    const integrity = new Database(path, { readonly: true });
    try {
      assert.equal(integrity.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(integrity.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      integrity.close();
    }
  });

  it('lets processes sharing the file append to one stream without losing or repeating a revision', async () => {
    const path = join(dir, 'shared.sqlite');
    open(path); // creates the schema before the writers race
    const writers = [
      startAppender(path, 'terminal-shared', 150),
      startAppender(path, 'terminal-shared', 150),
    ];
    children.push(...writers.map((writer) => writer.child));
    for (const writer of writers) {
      const { code } = await writer.exited;
      assert.equal(code, 0, writer.stderr());
    }
    const stored = await open(path).readStream('terminal-shared');
    assert.equal(stored.length, 2 * (50 * 1 + 50 * 2 + 50 * 3));
    assertContiguous(stored);
    assertWholeBatches(stored);
    assertChained('terminal-shared', stored);
    const acknowledged = writers.flatMap((writer) => writer.acknowledged);
    assert.deepEqual(new Set(stored.map((event) => event.id)), new Set(acknowledged));
  });

  it("chains an append on another writer's event, not on the hash it remembers from its own", async () => {
    const path = join(dir, 'chain.sqlite');
    const ours = open(path);
    const theirs = open(path);
    await ours.appendToStream('terminal-chain', [newEvent(), newEvent()], 'no_stream');
    await theirs.appendToStream('terminal-chain', [newEvent()], 1);
    await assert.rejects(ours.appendToStream('terminal-chain', [newEvent()], 1), WrongExpectedRevisionError);
    await ours.appendToStream('terminal-chain', [newEvent()], 2);
    await ours.appendToStream('terminal-chain', [newEvent()], 3);
    const stored = await open(path).readStream('terminal-chain');
    assert.equal(stored.length, 5);
    assertChained('terminal-chain', stored);
  });

  it('delivers events appended by another instance on the same file, by polling', async () => {
    const path = join(dir, 'polled.sqlite');
    const writer = open(path);
    const reader = open(path, { pollIntervalMs: 25 });
    const delivered: RecordedEvent[] = [];
    reader.subscribeToAll({ onEvent: async (event) => void delivered.push(event) });
    const first = await writer.appendToStream('terminal-a', [newEvent(), newEvent()], 'no_stream');
    await waitUntil(() => delivered.length === 2, { message: 'the first two events' });
    await writer.appendToStream('terminal-a', [newEvent()], first.nextExpectedRevision);
    await waitUntil(() => delivered.length === 3, { message: 'the third event' });
    assert.deepEqual(
      delivered.map((event) => event.revision),
      [0, 1, 2],
    );
  });

  it("answers a stream's head from memory, yet sees what it or another process appended", async () => {
    const path = join(dir, 'heads.sqlite');
    const reader = open(path, { otherWritersCheckMs: 0 });
    const writer = open(path);
    const watched = new Database(path);
    try {
      assert.equal(await reader.streamHead('key-a'), undefined);
      const first = await writer.appendToStream('key-a', [newEvent()], 'no_stream');
      assert.deepEqual(await reader.streamHead('key-a'), { revision: 0, position: first.position });
      const own = await reader.appendToStream('key-a', [newEvent()], 0);
      assert.deepEqual(await reader.streamHead('key-a'), { revision: 1, position: own.position });
      const third = await writer.appendToStream('key-a', [newEvent()], 1);
      assert.deepEqual(await reader.streamHead('key-a'), { revision: 2, position: third.position });
      // Any commit by another connection counts, even one no event store would make.
      watched.prepare("DELETE FROM events WHERE stream_name = 'key-a' AND revision = 2").run();
      assert.deepEqual(await reader.streamHead('key-a'), { revision: 1, position: own.position });
    } finally {
      watched.close();
    }
  });

  it("sees another process's append within its check interval (20 ms by default)", async () => {
    const path = join(dir, 'heads-delay.sqlite');
    const reader = open(path);
    const writer = open(path);
    await writer.appendToStream('key-b', [newEvent()], 'no_stream');
    assert.equal((await reader.streamHead('key-b'))?.revision, 0);
    await writer.appendToStream('key-b', [newEvent()], 0);
    await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal((await reader.streamHead('key-b'))?.revision, 1);
  });

  it('wakes live subscriptions on its own appends, also during a delivery, without waiting for the poll', async () => {
    const store = open(':memory:', { pollIntervalMs: 600_000 });
    const delivered: RecordedEvent[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.subscribeToAll({
      onEvent: async (event) => {
        delivered.push(event);
        await gate;
      },
    });
    await new Promise((resolve) => setImmediate(resolve)); // the subscription now sleeps on an empty store
    const first = await store.appendToStream('terminal-a', [newEvent()], 'no_stream');
    await waitUntil(() => delivered.length === 1, { timeoutMs: 5_000, message: 'the first event' });
    await store.appendToStream('terminal-a', [newEvent()], first.nextExpectedRevision);
    release();
    await waitUntil(() => delivered.length === 2, {
      timeoutMs: 5_000,
      message: 'the event appended mid-delivery',
    });
  });

  it('hands a burst of appends to onEvents as one page, in order, each event once', async () => {
    const store = open(':memory:', { pollIntervalMs: 600_000 });
    const pages: RecordedEvent[][] = [];
    store.subscribeToAll({
      onEvent: async () => assert.fail('onEvents is given: no event one by one'),
      onEvents: async (events) => void pages.push([...events]),
    });
    await new Promise((resolve) => setImmediate(resolve)); // the subscription now sleeps on an empty store
    const appended = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => store.appendToStream(`terminal-${name}`, [newEvent()], 'no_stream')),
    );
    await waitUntil(() => pages.flat().length === 4, { timeoutMs: 5_000, message: 'the four events' });
    assert.equal(pages.length, 1, 'appends of one tick are read as one page');
    assert.deepEqual(
      pages.flat().map((event) => event.position),
      appended.map((result) => result.position),
    );
    await store.appendToStream('terminal-a', [newEvent()], appended[0]!.nextExpectedRevision);
    await waitUntil(() => pages.flat().length === 5, { timeoutMs: 5_000, message: 'the fifth event' });
    assert.equal(new Set(pages.flat().map((event) => event.id)).size, 5);
  });
  it('delivers every event once and in order to each of several live subscriptions sharing pages', async () => {
    const store = open(join(dir, 'shared-pages.sqlite'), { pollIntervalMs: 20, pageSize: 16 });
    const seen: bigint[][] = [[], [], []];
    for (const positions of seen) {
      store.subscribeToAll({
        onEvent: async (event) => void positions.push(event.position),
        onEvents: async (events) => {
          // Uneven pace, so the subscriptions drift apart and meet again at shared positions.
          if (positions.length % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
          for (const event of events) positions.push(event.position);
        },
      });
    }
    // A second store on the file: its commits reach the first one's subscriptions only by polling.
    const other = open(join(dir, 'shared-pages.sqlite'));
    const writes: Promise<unknown>[] = [];
    for (let stream = 0; stream < 40; stream++) {
      const writer = stream % 4 === 0 ? other : store;
      writes.push(
        (async () => {
          for (let revision = 0; revision < 5; revision++) {
            await writer.appendToStream(
              `s-${stream}`,
              [newEvent()],
              revision === 0 ? 'no_stream' : revision - 1,
            );
          }
        })(),
      );
    }
    await Promise.all(writes);
    await waitUntil(() => seen.every((positions) => positions.length >= 200), {
      timeoutMs: 10_000,
      message: 'every subscription has all 200 events',
    });
    const stored = (await store.readAll()).map((event) => event.position);
    for (const positions of seen) assert.deepEqual(positions, stored);
  });

  it('is empty at first: no head position, nothing to read', async () => {
    const store = open(join(dir, 'empty.sqlite'));
    assert.equal(await store.headPosition(), undefined);
    assert.deepEqual(await store.readAll(), []);
    const appended = await store.appendToStream('terminal-a', [newEvent()], 'no_stream');
    assert.equal(await store.headPosition(), appended.position);
  });

  it('refuses a retry whose ids only partly match what is stored', async () => {
    const store = open(':memory:');
    const [a, b] = [newEvent(), newEvent()];
    await store.appendToStream('terminal-a', [a, b], 'no_stream');
    await assert.rejects(
      store.appendToStream('terminal-a', [a, newEvent()], 'no_stream'),
      WrongExpectedRevisionError,
    );
    await assert.rejects(
      store.appendToStream('terminal-a', [a, b, newEvent()], 'no_stream'),
      WrongExpectedRevisionError,
    );
    assert.equal((await store.readStream('terminal-a')).length, 2);
  });

  it('refuses an event id stored in another stream, writing nothing', async () => {
    const store = open(':memory:');
    const shared = newEvent();
    await store.appendToStream('terminal-a', [shared], 'no_stream');
    await assert.rejects(
      store.appendToStream('terminal-b', [newEvent(), shared], 'no_stream'),
      /already stored/,
    );
    assert.deepEqual(await store.readStream('terminal-b'), []);
  });

  it('stamps recordedAt from the injected clock', async () => {
    const clock = new ManualClock(new Date('2026-02-01T08:00:00.000Z'));
    const store = open(':memory:', { clock });
    await store.appendToStream('terminal-a', [newEvent()], 'no_stream');
    assert.equal((await store.readStream('terminal-a'))[0]!.recordedAt, '2026-02-01T08:00:00.000Z');
  });

  it('keeps events across a reopen with synchronous NORMAL', async () => {
    const path = join(dir, 'normal.sqlite');
    const before = new SqliteEventStore(path, { synchronous: 'NORMAL' });
    const event = newEvent();
    await before.appendToStream('terminal-a', [event], 'no_stream');
    await before.close();
    const after = open(path, { synchronous: 'NORMAL' });
    assert.deepEqual(
      (await after.readStream('terminal-a')).map((recorded) => recorded.id),
      [event.id],
    );
  });

  it('stops its subscriptions on close and refuses further use', async () => {
    const store = new SqliteEventStore(':memory:');
    const delivered: RecordedEvent[] = [];
    const errors: Error[] = [];
    store.subscribeToAll({
      onEvent: async (event) => void delivered.push(event),
      onError: (e) => errors.push(e),
    });
    await store.appendToStream('terminal-a', [newEvent()], 'no_stream');
    await waitUntil(() => delivered.length === 1, { message: 'one delivery' });
    await store.close();
    await store.close();
    assert.deepEqual(errors, []);
    await assert.rejects(store.appendToStream('terminal-a', [newEvent()], 0), /closed/);
    assert.throws(() => store.subscribeToAll({ onEvent: async () => undefined }), /closed/);
  });

  it('refuses a malformed expected revision or synchronous mode', async () => {
    const store = open(':memory:');
    await assert.rejects(store.appendToStream('terminal-a', [newEvent()], -1), TypeError);
    await assert.rejects(store.appendToStream('terminal-a', [newEvent()], 1.5), TypeError);
    assert.throws(() => new SqliteEventStore(':memory:', { synchronous: 'OFF' as 'FULL' }), /synchronous/);
  });
});
