import { Readable } from 'node:stream';
import {
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type EventStoreDBClient,
  type JSONEventData,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';

/**
 * An in-memory stand-in for the few EventStoreDBClient calls the adapter makes, following the server's
 * documented behaviour: commit positions with gaps, system events ($-types) interleaved in $all, readAll
 * forwards starting AT its position, backwards and subscriptions strictly after theirs, positions that must
 * exist, and an unsubscribe that cancels the call without ending the readable. It checks the adapter's
 * mapping where no server is available; the real contract leg runs when EVENTSTORE_URL is set.
 */
interface FakeRecord {
  streamId: string;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  revision: bigint;
  created: Date;
  isJson: true;
  position: Position;
}

class FakeSubscription extends Readable {
  cancelled = false;
  constructor(readonly matches: (record: FakeRecord) => boolean) {
    super({ objectMode: true });
  }
  override _read(): void {}
  async unsubscribe(): Promise<void> {
    this.cancelled = true;
  }
}

const samePosition = (a: Position, b: Position): boolean => a.commit === b.commit && a.prepare === b.prepare;

export class FakeEventStoreDbClient {
  private readonly log: FakeRecord[] = [];
  private readonly subscriptions = new Set<FakeSubscription>();
  private nextCommit = 1_000n;
  private appends = 0;
  /** Set while one append writes several events, when they share that append's commit position. */
  private appendCommit: bigint | undefined;
  disposed = false;

  /**
   * `sharedCommitPerAppend`: every event of one append reports the append's commit position, each with
   * its own prepare position, as EventStoreDB does for a transaction: only the pair orders $all.
   */
  constructor(private readonly options: { sharedCommitPerAppend?: boolean } = {}) {
    this.record('$settings', '$settings', {});
  }

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  async appendToStream(
    streamName: string,
    events: JSONEventData[],
    { expectedRevision }: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    await Promise.resolve();
    const stored = this.log.filter((record) => record.streamId === streamName);
    const current = stored.at(-1)?.revision ?? 'no_stream';
    if (expectedRevision !== current) {
      const first = expectedRevision === 'no_stream' ? 0 : Number(expectedRevision) + 1;
      const slice = stored.slice(first, first + events.length);
      const last = slice.at(-1);
      if (last && slice.length === events.length && slice.every((record, i) => record.id === events[i]?.id)) {
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected: expectedRevision ?? 'any',
        current,
      });
    }
    let last: FakeRecord | undefined;
    if (this.options.sharedCommitPerAppend) this.appendCommit = this.nextCommit;
    for (const event of events)
      last = this.record(streamName, event.type, event.data, event.metadata, event.id);
    this.appendCommit = undefined;
    if ((this.appends += 1) % 3 === 0)
      this.record('$stats-fake', '$statsCollected', { appends: this.appends });
    return { success: true, nextExpectedRevision: last!.revision, position: last!.position };
  }

  /** Forwards from a revision, or backwards from the end (the only backwards read the adapter makes). */
  readStream(
    streamName: string,
    {
      fromRevision = 0n,
      direction = 'forwards',
      maxCount = Number.MAX_SAFE_INTEGER,
    }: {
      fromRevision?: bigint | 'end';
      direction?: 'forwards' | 'backwards';
      maxCount?: number | bigint;
    } = {},
  ): Readable {
    const stored = this.log.filter((record) => record.streamId === streamName);
    if (direction === 'backwards' && fromRevision !== 'end') throw new Error('fake: backwards only from end');
    const ordered =
      direction === 'forwards'
        ? stored.filter((record) => fromRevision === 'end' || record.revision >= fromRevision)
        : [...stored].reverse();
    return Readable.from(
      (async function* () {
        if (stored.length === 0) throw new StreamNotFoundError(undefined, streamName);
        for (const record of ordered.slice(0, Number(maxCount)))
          yield { event: record, commitPosition: record.position.commit };
      })(),
    );
  }

  readAll({
    fromPosition = 'start',
    maxCount = Number.MAX_SAFE_INTEGER,
    direction = 'forwards',
  }: {
    fromPosition?: ReadPosition;
    maxCount?: number | bigint;
    direction?: 'forwards' | 'backwards';
  } = {}): Readable {
    let records: FakeRecord[];
    if (direction === 'forwards') {
      const start =
        fromPosition === 'start' ? 0 : fromPosition === 'end' ? this.log.length : this.indexOf(fromPosition);
      records = this.log.slice(start);
    } else {
      const end =
        fromPosition === 'end' ? this.log.length : fromPosition === 'start' ? 0 : this.indexOf(fromPosition);
      records = this.log.slice(0, end).reverse();
    }
    const page = records.slice(0, Number(maxCount)).map((record) => ({ event: record }));
    return Readable.from(page);
  }

  subscribeToAll({
    fromPosition = 'start',
    filter,
  }: { fromPosition?: ReadPosition; filter?: { filterOn: string; regex?: string } } = {}): FakeSubscription {
    const regex = filter?.regex === undefined ? undefined : new RegExp(filter.regex);
    const matches = (record: FakeRecord): boolean =>
      regex === undefined || regex.test(filter?.filterOn === 'eventType' ? record.type : record.streamId);
    const subscription = new FakeSubscription(matches);
    const start =
      fromPosition === 'start'
        ? 0
        : fromPosition === 'end'
          ? this.log.length
          : this.indexOf(fromPosition) + 1;
    for (const record of this.log.slice(start)) if (matches(record)) subscription.push({ event: record });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.subscriptions) await subscription.unsubscribe();
  }

  private indexOf(position: Position): number {
    const index = this.log.findIndex((record) => samePosition(record.position, position));
    if (index < 0) throw new Error(`no event at position ${position.commit}/${position.prepare}`);
    return index;
  }

  private record(streamId: string, type: string, data: unknown, metadata?: unknown, id?: string): FakeRecord {
    const previous = [...this.log].reverse().find((record) => record.streamId === streamId);
    const prepare = this.nextCommit;
    const commit = this.appendCommit ?? prepare;
    this.nextCommit += 100n + BigInt(JSON.stringify(data).length);
    const record: FakeRecord = {
      streamId,
      id: id ?? `00000000-0000-4000-8000-${String(prepare).padStart(12, '0')}`,
      type,
      data: JSON.parse(JSON.stringify(data)) as unknown,
      metadata: metadata === undefined ? undefined : (JSON.parse(JSON.stringify(metadata)) as unknown),
      revision: previous ? previous.revision + 1n : 0n,
      created: new Date(),
      isJson: true,
      position: { commit, prepare },
    };
    this.log.push(record);
    for (const subscription of this.subscriptions) {
      if (!subscription.cancelled && subscription.matches(record)) subscription.push({ event: record });
    }
    return record;
  }
}
