import type { EventStore, GlobalPosition } from '../infrastructure/event-store/event-store';
import type { ReadStore, StoredDocument } from '../infrastructure/read-store/read-store';
import { readOnlyDocument } from '../infrastructure/read-store/read-only-document';
import type { ReadModelFreshness } from '../projections/read-model-freshness';
import { ApiError } from './errors/api-error';

/** What a router needs to serve read models that show the caller's own writes (docs/decisions/0003). */
export interface ReadSide {
  eventStore: EventStore;
  readStore: ReadStore;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

export const readModelLagging = (): ApiError =>
  new ApiError(
    503,
    'dependency_error',
    'read_model_lagging',
    'the read model is catching up; retry shortly',
    {
      headers: { 'Retry-After': '1' },
    },
  );

/** Waits, bounded, until the read models hold `position`; 503 rather than stale data. */
export const waitForReadModels = async (
  freshness: ReadModelFreshness,
  position: GlobalPosition | undefined,
  timeoutMs: number,
): Promise<void> => {
  if (position !== undefined && !(await freshness.waitFor(position, timeoutMs))) throw readModelLagging();
};

/**
 * Read-your-writes for one resource: waits until the read model has applied the stream's last event,
 * then reads the document, to render it and never to change it (`readOnlyDocument`). Undefined when the
 * stream does not exist.
 */
export const freshDocument = async <D extends StoredDocument>(
  deps: ReadSide,
  streamName: string,
  collection: string,
  documentId: string,
): Promise<Readonly<D> | null | undefined> => {
  const head = await deps.eventStore.streamHead(streamName);
  if (!head) return undefined;
  await waitForReadModels(deps.freshness, head.position, deps.readYourWritesTimeoutMs);
  return readOnlyDocument(deps.readStore.collection<D>(collection), documentId);
};
