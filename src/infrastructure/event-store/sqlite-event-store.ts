import Database from 'better-sqlite3';
import { SqliteFile, type SqliteFileOptions } from '../sqlite/sqlite-file';
import { systemClock, type Clock } from '../clock';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type StreamHead,
  type SubscribeToAllOptions,
  type Subscription,
} from './event-store';
import { chainEvents, headHashOf } from './hash-chain';
import { AppendSignal, PollingSubscription } from './polling-subscription';
import { StreamHeadCache } from './stream-head-cache';
import { assertAppendable } from './validate-append';

export interface SqliteEventStoreOptions extends SqliteFileOptions {
  /** How often live subscriptions look for events appended by other processes sharing the file. */
  pollIntervalMs?: number;
  /** Events read per query while a subscription catches up. */
  pageSize?: number;
  clock?: Clock;
  /**
   * At most how long `streamHead` may miss a commit of another process (default OTHER_WRITERS_CHECK_MS);
   * this process's own appends count at once.
   */
  otherWritersCheckMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (stream_name, revision)
  )`;

const COLUMNS = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at';
/** Streams whose last committed hash an append may chain on without reading; past it the map starts over. */
const COMMITTED_HASHES_KEPT = 50_000;

interface EventRow {
  position: bigint;
  stream_name: string;
  revision: bigint;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  data: JSON.parse(row.data) as Record<string, unknown>,
  metadata: JSON.parse(row.metadata) as EventMetadata,
  streamName: row.stream_name,
  revision: Number(row.revision),
  position: row.position,
  recordedAt: row.recorded_at,
});

/** A row of `readAll` as an array in COLUMNS order: better-sqlite3 builds arrays faster than objects. */
type RawEventRow = [bigint, string, bigint, string, string, string, string, string];

const rawToRecordedEvent = ([
  position,
  streamName,
  revision,
  id,
  type,
  data,
  metadata,
  recordedAt,
]: RawEventRow): RecordedEvent => ({
  id,
  type,
  data: JSON.parse(data) as Record<string, unknown>,
  metadata: JSON.parse(metadata) as EventMetadata,
  streamName,
  revision: Number(revision),
  position,
  recordedAt,
});

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

const prepareStatements = (db: Database.Database) => {
  return {
    insert: db
      .prepare<[string, number, string, string, string, string, string]>(
        `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(),
    streamRevision: db
      .prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream_name = ?')
      .pluck(),
    readStream: db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .safeIntegers(),
    streamHead: db
      .prepare<[string], { revision: bigint; position: bigint }>(
        'SELECT revision, position FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1',
      )
      .safeIntegers(),
    readAll: db
      .prepare<[bigint, number], RawEventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .safeIntegers()
      .raw(),
    lastMetadata: db
      .prepare<[string], string>(
        'SELECT metadata FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1',
      )
      .pluck(),
    headPosition: db.prepare<[], bigint | null>('SELECT MAX(position) FROM events').pluck().safeIntegers(),
    ping: db.prepare('SELECT 1'),
    writesByOthers: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
};

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The embedded event store: one SQLite file in WAL mode, shareable by several processes. An append
 * resolves once it is durable (see SqliteFile): appends made in the same tick share one transaction and
 * one sync.
 */
export class SqliteEventStore implements EventStore {
  /** The file, for the stores that keep their records next to the events (idempotency). */
  readonly file: SqliteFile;
  private readonly db: Database.Database;
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly clock: Clock;
  private readonly statements: Statements;
  private readonly heads: StreamHeadCache;
  /**
   * The hash of each stream's last event as this process committed it, so the next append chains on it
   * without reading the event back. Kept only after the commit: a committed revision never changes, so
   * an entry whose revision is still the stream's current one is its hash, whoever wrote since.
   */
  private readonly committedHashes = new Map<string, { revision: number; hash: string }>();
  /** The last page a subscription read, shared with the others (see readPage). */
  private lastPage:
    { after: GlobalPosition; limit: number; commits: number; events: RecordedEvent[] } | undefined;
  private closed = false;

  /** `path` is a file name, or `:memory:` for a private in-memory store. */
  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.pageSize = options.pageSize ?? 256;
    this.clock = options.clock ?? systemClock;
    this.file = new SqliteFile(path, options);
    this.db = this.file.db;
    try {
      this.db.exec(SCHEMA);
      this.statements = prepareStatements(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const writesByOthers = this.statements.writesByOthers;
    this.heads = new StreamHeadCache({
      writesByOthers: () => writesByOthers.get() as number,
      ...(options.otherWritersCheckMs === undefined ? {} : { checkEveryMs: options.otherWritersCheckMs }),
    });
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(events, expectedRevision);
    const recordedAt = this.clock.now().toISOString();
    this.heads.forget(streamName);
    let appended: { result: AppendResult; replayed: boolean; lastHash?: string };
    try {
      appended = await this.file.write(() =>
        this.appendInTransaction(streamName, events, expectedRevision, recordedAt),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new Error(`stream ${streamName}: an event id being appended is already stored`, {
          cause: error,
        });
      }
      throw error;
    }
    // A replayed append answers with where those events were stored, which need not be the head.
    const { result, replayed, lastHash } = appended;
    if (!replayed) {
      this.heads.remember(streamName, { revision: result.nextExpectedRevision, position: result.position });
      this.rememberHash(streamName, result.nextExpectedRevision, lastHash);
    }
    await this.file.durable();
    this.signal.notify();
    return result;
  }

  async readStream(streamName: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.statements.readStream.all(streamName, options.fromRevision ?? 0, -1).map(toRecordedEvent);
  }

  async streamHead(streamName: string): Promise<StreamHead | undefined> {
    this.assertOpen();
    return this.heads.headOf(streamName, () => {
      const head = this.statements.streamHead.get(streamName);
      return head && { revision: Number(head.revision), position: head.position };
    });
  }

  async readAll(options: { fromPosition?: GlobalPosition; limit?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readPage(options.fromPosition ?? 0n, options.limit ?? -1);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    this.assertOpen();
    const subscription: PollingSubscription = new PollingSubscription({
      ...options,
      readPage: (after, limit) => this.readPage(after, limit),
      signal: this.signal,
      pollIntervalMs: this.pollIntervalMs,
      pageSize: this.pageSize,
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.assertOpen();
    return this.statements.headPosition.get() ?? undefined;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.file.close();
  }

  /**
   * Runs in the file's write batch (BEGIN IMMEDIATE, a savepoint per append): no other connection can
   * append between the revision check and the insert, and a refused append undoes only itself.
   */
  private appendInTransaction(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    recordedAt: string,
  ): { result: AppendResult; replayed: boolean; lastHash?: string } {
    const current = this.statements.streamRevision.get(streamName) ?? undefined;
    const matches = expectedRevision === 'no_stream' ? current === undefined : current === expectedRevision;
    if (!matches) {
      const replayed = this.findIdempotentAppend(streamName, events, expectedRevision);
      if (replayed) return { result: replayed, replayed: true };
      throw new WrongExpectedRevisionError(streamName, expectedRevision, current ?? 'no_stream');
    }
    let revision = current ?? -1;
    let position = 0n;
    const chained = chainEvents(streamName, revision + 1, this.headHash(streamName, current), events);
    for (const event of chained) {
      revision += 1;
      const inserted = this.statements.insert.run(
        streamName,
        revision,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
      );
      position = BigInt(inserted.lastInsertRowid);
    }
    const lastHash = chained.at(-1)?.metadata.hash;
    return { result: { nextExpectedRevision: revision, position }, replayed: false, lastHash };
  }

  private rememberHash(streamName: string, revision: number, hash: string | undefined): void {
    if (typeof hash !== 'string') return;
    if (this.committedHashes.size >= COMMITTED_HASHES_KEPT) this.committedHashes.clear();
    this.committedHashes.set(streamName, { revision, hash });
  }

  /** The hash the next event of the stream chains on; undefined for a new stream. */
  private headHash(streamName: string, current: number | undefined): string | undefined {
    if (current === undefined) return undefined;
    const committed = this.committedHashes.get(streamName);
    if (committed?.revision === current) return committed.hash;
    const last = JSON.parse(this.statements.lastMetadata.get(streamName) ?? '{}') as { hash?: string };
    if (last.hash !== undefined) return last.hash;
    const stored = this.statements.readStream.all(streamName, 0, -1).map(toRecordedEvent);
    return headHashOf(streamName, stored);
  }

  /** The same ids already stored right after `expectedRevision`: a retry of an append that succeeded. */
  private findIdempotentAppend(
    streamName: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): AppendResult | undefined {
    const firstRevision = expectedRevision === 'no_stream' ? 0 : expectedRevision + 1;
    const stored = this.statements.readStream.all(streamName, firstRevision, events.length);
    const last = stored.at(-1);
    const same = stored.length === events.length && stored.every((row, i) => row.event_id === events[i]?.id);
    if (!same || !last) return undefined;
    return { nextExpectedRevision: Number(last.revision), position: last.position };
  }

  /**
   * The live subscriptions of one process (projector, webhook dispatcher, process managers) usually wait
   * at the same position and wake in the same turn of the loop: the first one's page is handed to the
   * others instead of reading and parsing the same rows again. Stored events never change, so a page
   * read earlier is still true; it may only be shorter than a read now. It is dropped at this process's
   * next commit (the subscriptions' wake-up signal follows commits) and at the next turn of the loop, so
   * another process's events wait at most one turn longer than the poll that finds them.
   */
  private readPage(after: GlobalPosition, limit: number): RecordedEvent[] {
    const shared = this.lastPage;
    if (shared && shared.after === after && shared.limit === limit && shared.commits === this.file.commits) {
      return shared.events;
    }
    const events = this.statements.readAll.all(after, limit).map(rawToRecordedEvent);
    if (this.subscriptions.size > 1) {
      this.lastPage = { after, limit, commits: this.file.commits, events };
      setImmediate(() => {
        if (this.lastPage?.events === events) this.lastPage = undefined;
      });
    }
    return events;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}
