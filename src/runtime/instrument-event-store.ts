import type { EventStore } from '../infrastructure/event-store/event-store';
import type { Metrics } from '../infrastructure/metrics/metrics';

/** Times every append, leaving the adapters free of metrics code. */
export const instrumentEventStore = (store: EventStore, metrics: Metrics): EventStore => {
  const instrumented = Object.create(store) as EventStore;
  instrumented.appendToStream = async (streamName, events, expectedRevision) => {
    const stop = metrics.eventStoreAppendDuration.startTimer();
    try {
      const result = await store.appendToStream(streamName, events, expectedRevision);
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
  };
  return instrumented;
};
