import type { RecordedEvent } from '../infrastructure/event-store/event-store';
import type { IndexSpec, StoredDocument } from '../infrastructure/read-store/read-store';

/**
 * A read model as a pure function of the events: the runner loads the document `documentId` names,
 * passes it to `evolve` and stores the result. Returning null deletes the document.
 * Projections never see or set `_position`: the runner keeps it to make replays do nothing.
 */
export interface Projection<D extends StoredDocument> {
  /** Unique among the runner's projections; used in logs. */
  name: string;
  collection: string;
  /** The event types `evolve` handles; other events never reach it. */
  eventTypes: readonly string[];
  /** The _id of the document the event changes, or null when it changes none. */
  documentId(event: RecordedEvent): string | null;
  evolve(doc: D | null, event: RecordedEvent): D | null;
  indexes?: IndexSpec[];
}
