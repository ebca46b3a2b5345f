import type { RecordedEvent } from '../infrastructure/event-store/event-store';
import {
  ownedDocumentsOf,
  type OwnedDocuments,
  type ReadCollection,
  type ReadStore,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import type { Projection } from './projection';

/** A stored read-model document as the runner keeps it: the projection's document plus its guard. */
export type GuardedDocument = StoredDocument & { _position?: string };

/** A projection (or the store under it) failed on an event. */
export class ProjectionEventError extends Error {
  constructor(
    readonly projection: string | undefined,
    cause: unknown,
    readonly event?: RecordedEvent,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** A projection threw: the code or the event is wrong, and retrying cannot help. */
export class ProjectionLogicError extends Error {}

const withoutGuard = (doc: GuardedDocument): StoredDocument => {
  const { _position: _guard, ...rest } = doc;
  return rest;
};

/** One document a batch touches: as stored before the batch, and as the batch leaves it. */
interface Touched {
  stored: GuardedDocument | null;
  current: StoredDocument | null;
  position: bigint | undefined;
  changed: boolean;
}

export type ProjectionsByEventType = ReadonlyMap<string, readonly Projection<StoredDocument>[]>;

export const projectionsByEventType = (
  projections: readonly Projection<StoredDocument>[],
): Map<string, Projection<StoredDocument>[]> => {
  const byType = new Map<string, Projection<StoredDocument>[]>();
  for (const projection of projections) {
    for (const type of projection.eventTypes) byType.set(type, [...(byType.get(type) ?? []), projection]);
  }
  return byType;
};

/**
 * Applies events in order to the documents they change, reading each document once per batch and
 * writing it once: a batch of 2,000 events costs a few hundred store calls, not 4,000. Each written
 * document carries the position of the last event applied to it (`_position`), so replaying a batch
 * after a crash, or handing an event over twice, changes nothing.
 */
export const applyProjections = async (
  readStore: ReadStore,
  byEventType: ProjectionsByEventType,
  events: readonly RecordedEvent[],
): Promise<void> => {
  const touched = new Map<string, Map<string, Touched>>();
  const owned = new Map<string, OwnedDocuments<GuardedDocument> | undefined>();
  const ownedFor = (collection: string) => {
    if (!owned.has(collection)) {
      owned.set(collection, ownedDocumentsOf(readStore.collection<GuardedDocument>(collection)));
    }
    return owned.get(collection);
  };
  const entryFor = (stored: GuardedDocument | null): Touched => ({
    stored,
    current: stored === null ? null : withoutGuard(stored),
    position: stored?._position === undefined ? undefined : BigInt(stored._position),
    changed: false,
  });
  const load = async (collection: string, id: string): Promise<Touched> => {
    let stored: GuardedDocument | null;
    try {
      stored = await readStore.collection<GuardedDocument>(collection).findOne({ _id: id });
    } catch (error) {
      throw new ProjectionEventError(undefined, error);
    }
    return entryFor(stored);
  };

  for (const event of events) {
    for (const projection of byEventType.get(event.type) ?? []) {
      const id = projection.documentId(event);
      if (id === null) continue;
      let docs = touched.get(projection.collection);
      if (docs === undefined) touched.set(projection.collection, (docs = new Map()));
      let entry = docs.get(id);
      if (entry === undefined) {
        // The in-memory store hands its documents over without a copy and without a promise per read.
        const direct = ownedFor(projection.collection);
        entry = direct === undefined ? await load(projection.collection, id) : entryFor(direct.get(id));
        docs.set(id, entry);
      }
      if (entry.position !== undefined && entry.position >= event.position) continue;
      let next: StoredDocument | null;
      try {
        next = projection.evolve(entry.current, event);
      } catch (error) {
        const cause = new ProjectionLogicError(error instanceof Error ? error.message : String(error), {
          cause: error,
        });
        throw new ProjectionEventError(projection.name, cause, event);
      }
      if (next !== null && next._id !== id) {
        const cause = new ProjectionLogicError(`evolve returned _id ${next._id} for document ${id}`);
        throw new ProjectionEventError(projection.name, cause, event);
      }
      entry.current = next;
      entry.position = event.position;
      entry.changed = true;
    }
  }

  for (const [name, docs] of touched) {
    const collection = readStore.collection<GuardedDocument>(name);
    const direct = ownedFor(name);
    for (const [id, entry] of docs) {
      if (!entry.changed) continue;
      try {
        if (direct === undefined) await write(collection, id, entry);
        else writeOwned(direct, id, entry);
      } catch (error) {
        throw new ProjectionEventError(undefined, error);
      }
    }
  }
};

const guarded = (current: StoredDocument, position: bigint | undefined): GuardedDocument => ({
  ...current,
  _position: String(position),
});

const write = async (collection: ReadCollection<GuardedDocument>, id: string, entry: Touched) => {
  if (entry.current === null) {
    // A deleted document takes its guard with it; a replay after a crash may briefly re-create it,
    // until the replay reaches the same delete again.
    if (entry.stored !== null) await collection.deleteOne({ _id: id });
    return;
  }
  await collection.replaceOne({ _id: id }, guarded(entry.current, entry.position), { upsert: true });
};

/** The same as `write`, handing the new document to the store: evolve built it, nobody else holds it. */
const writeOwned = (documents: OwnedDocuments<GuardedDocument>, id: string, entry: Touched) => {
  if (entry.current === null) {
    if (entry.stored !== null) documents.delete(id);
    return;
  }
  documents.put(guarded(entry.current, entry.position));
};
