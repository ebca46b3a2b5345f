import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import type { StoredDocument } from '../../src/infrastructure/read-store/read-store';
import type { Projection } from '../../src/projections/projection';

/** A toy read model for the runner and projection-spec tests: increments show a double application. */
export interface CounterDocument extends StoredDocument {
  label: string;
  count: number;
  version: number;
}

const counterId = (event: RecordedEvent): string | null =>
  typeof event.data.counterId === 'string' ? event.data.counterId : null;

const evolve = (doc: CounterDocument | null, event: RecordedEvent): CounterDocument | null => {
  const version = event.revision + 1;
  switch (event.type) {
    case 'CounterOpened':
      return { _id: String(event.data.counterId), label: String(event.data.label), count: 0, version };
    case 'CounterIncremented':
      return doc && { ...doc, count: doc.count + Number(event.data.by), version };
    case 'CounterClosed':
      return null;
    default:
      return doc;
  }
};

export const counterProjection: Projection<CounterDocument> = {
  name: 'counters',
  collection: 'counters',
  eventTypes: ['CounterOpened', 'CounterIncremented', 'CounterClosed'],
  documentId: counterId,
  evolve,
  indexes: [{ keys: { label: 1 }, unique: true }],
};
