import type { EventStore, GlobalPosition, RecordedEvent } from '../infrastructure/event-store/event-store';
import { canonicalJson } from '../infrastructure/event-store/hash-chain';
import type { Logger } from '../infrastructure/logging/logger';
import { MemoryReadStore } from '../infrastructure/read-store/memory-read-store';
import type { ReadStore, StoredDocument } from '../infrastructure/read-store/read-store';
import { allProjections } from '../projections/all-projections';
import { ProjectionRunner } from '../projections/projection-runner';
import { RecordedHistory } from './recorded-history';

/** Every read-model document, by collection then _id, without the runner's position guard. */
export type ReadModelSnapshot = Map<string, Map<string, StoredDocument>>;

export interface DocumentDifference {
  collection: string;
  id: string;
  kind: 'only_in_replay' | 'only_in_reference' | 'different';
  /** Top-level fields whose values differ. */
  fields?: string[];
}

const PROJECTION_COLLECTIONS = [...new Set(allProjections.map((projection) => projection.collection))].sort();

export const snapshotReadModels = async (readStore: ReadStore): Promise<ReadModelSnapshot> => {
  const snapshot: ReadModelSnapshot = new Map();
  for (const name of PROJECTION_COLLECTIONS) {
    const docs = await readStore.collection(name).find({});
    snapshot.set(
      name,
      new Map(
        docs.map((doc) => {
          const { _position: _guard, ...rest } = doc as StoredDocument & { _position?: string };
          return [String(doc._id), rest as StoredDocument];
        }),
      ),
    );
  }
  return snapshot;
};

/**
 * Builds every read model from `events` (an export) with the gateway's own projections and runner, into a
 * fresh in-memory read store.
 */
export const replayReadModels = async (
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  logger: Logger,
  onProgress?: (progress: ProjectionProgress) => void,
): Promise<ReadModelSnapshot> => {
  const recorded: RecordedEvent[] = [];
  for await (const event of events) recorded.push(event);
  const readStore = new MemoryReadStore();
  try {
    return await projectAll(new RecordedHistory(recorded), readStore, logger, onProgress);
  } finally {
    await readStore.close();
  }
};

/** Runs every projection over the whole of `eventStore` into `readStore`, and snapshots the result. */
export const projectAll = async (
  eventStore: EventStore,
  readStore: ReadStore,
  logger: Logger,
  onProgress?: (progress: ProjectionProgress) => void,
): Promise<ReadModelSnapshot> => {
  const runner = new ProjectionRunner({
    eventStore,
    readStore,
    projections: allProjections,
    logger,
    name: 'replay',
  });
  await runner.start();
  await untilCaughtUp(runner, eventStore, onProgress);
  return snapshotReadModels(readStore);
};

export interface ProjectionProgress {
  applied: GlobalPosition | undefined;
  head: GlobalPosition | undefined;
}

/** Waits until `runner` has applied the head the store had on entry, reporting progress, then stops it. */
export const untilCaughtUp = async (
  runner: ProjectionRunner,
  eventStore: EventStore,
  onProgress?: (progress: ProjectionProgress) => void,
): Promise<void> => {
  const head = await eventStore.headPosition();
  const timer = setInterval(() => onProgress?.({ applied: runner.position(), head }), 200);
  try {
    const caughtUp = head === undefined || (await runner.waitForPosition(head, 60 * 60_000));
    if (!caughtUp) throw new Error(`the projections stopped: ${runner.failure()?.message ?? 'timed out'}`);
    onProgress?.({ applied: head, head });
  } finally {
    clearInterval(timer);
    await runner.stop();
  }
};

const differentFields = (a: StoredDocument, b: StoredDocument): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => canonicalJson(a[key]) !== canonicalJson(b[key]))
    .sort();

/** The documents that differ between a replay and a reference; `onlyReplayed` skips documents the replay lacks. */
export const compareReadModels = (
  replay: ReadModelSnapshot,
  reference: ReadModelSnapshot,
  options: { onlyReplayed?: boolean } = {},
): DocumentDifference[] => {
  const differences: DocumentDifference[] = [];
  for (const collection of PROJECTION_COLLECTIONS) {
    const ours = replay.get(collection) ?? new Map<string, StoredDocument>();
    const theirs = reference.get(collection) ?? new Map<string, StoredDocument>();
    for (const [id, doc] of ours) {
      const other = theirs.get(id);
      if (!other) differences.push({ collection, id, kind: 'only_in_replay' });
      else {
        const fields = differentFields(doc, other);
        if (fields.length > 0) differences.push({ collection, id, kind: 'different', fields });
      }
    }
    if (options.onlyReplayed) continue;
    for (const id of theirs.keys()) {
      if (!ours.has(id)) differences.push({ collection, id, kind: 'only_in_reference' });
    }
  }
  return differences;
};
