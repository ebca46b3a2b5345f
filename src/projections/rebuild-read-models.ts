import type { EventStore, GlobalPosition } from '../infrastructure/event-store/event-store';
import {
  DuplicateKeyError,
  type ReadStore,
  type StoredDocument,
} from '../infrastructure/read-store/read-store';
import { allProjections } from './all-projections';
import { applyProjections, ProjectionEventError, projectionsByEventType } from './apply-projections';
import type { Projection } from './projection';
import { ProjectionCheckpoints } from './projection-checkpoints';

export interface RebuildProgress {
  /** Events read so far. */
  events: number;
  position: GlobalPosition | undefined;
}

export interface RebuildOptions {
  eventStore: EventStore;
  readStore: ReadStore;
  projections?: readonly Projection<StoredDocument>[];
  /** The checkpoint the rebuilt read models belong to: the projector's (`main`) by default. */
  runnerName?: string;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Empties the projections' collections and checkpoint and applies every event from the first, in batches,
 * with the projector's own code (`applyProjections`), so the result is the documents the live projector
 * would hold. Stop the projector that owns the checkpoint first. Resolves with the final progress.
 */
export const rebuildReadModels = async (options: RebuildOptions): Promise<RebuildProgress> => {
  const projections = options.projections ?? allProjections;
  const batchSize = options.batchSize ?? 2_000;
  const checkpoints = new ProjectionCheckpoints(options.readStore, options.runnerName ?? 'main');
  const names = projections.map((projection) => projection.name);
  for (const collection of new Set(projections.map((projection) => projection.collection))) {
    await options.readStore.collection(collection).deleteMany({});
  }
  await checkpoints.clear();
  for (const projection of projections) {
    const collection = options.readStore.collection(projection.collection);
    for (const index of projection.indexes ?? []) await collection.createIndex(index);
  }
  const byEventType = projectionsByEventType(projections);
  const progress: RebuildProgress = { events: 0, position: undefined };
  for (;;) {
    const page = await options.eventStore.readAll({
      ...(progress.position === undefined ? {} : { fromPosition: progress.position }),
      limit: batchSize,
    });
    const last = page.at(-1);
    if (last === undefined) break;
    try {
      await applyProjections(options.readStore, byEventType, page);
    } catch (error) {
      // As the runner does: one event at a time settles a unique key given up later in the batch than
      // taken; a real error throws again, at its event.
      if (!(error instanceof ProjectionEventError && error.cause instanceof DuplicateKeyError)) throw error;
      for (const event of page) await applyProjections(options.readStore, byEventType, [event]);
    }
    await checkpoints.save({ position: last.position, projections: names });
    progress.events += page.length;
    progress.position = last.position;
    options.onProgress?.({ ...progress });
    if (page.length < batchSize) break;
    await yieldToEventLoop();
  }
  return progress;
};
