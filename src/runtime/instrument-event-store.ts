import { WrongExpectedRevisionError, type EventStore } from '../infrastructure/event-store/event-store';
import type { Metrics } from '../infrastructure/metrics/metrics';

/** `payment_intent-pi_...` -> `payment_intent`: a bounded label, never an id. */
const aggregateOf = (streamName: string): string => streamName.slice(0, streamName.indexOf('-')) || 'unknown';

/**
 * Times every append and counts it as a command outcome (every command ends in one append, or none when
 * the decider refuses it, which the HTTP metrics show as a 4xx), leaving the adapters free of metrics code.
 */
export const instrumentEventStore = (store: EventStore, metrics: Metrics): EventStore => {
  const instrumented = Object.create(store) as EventStore;
  instrumented.appendToStream = async (streamName, events, expectedRevision) => {
    const stop = metrics.eventStoreAppendDuration.startTimer();
    const aggregate = aggregateOf(streamName);
    try {
      const result = await store.appendToStream(streamName, events, expectedRevision);
      stop({ outcome: 'ok' });
      metrics.commandOutcomes.inc({ aggregate, outcome: 'appended' });
      return result;
    } catch (error) {
      stop({ outcome: 'error' });
      const outcome = error instanceof WrongExpectedRevisionError ? 'conflict' : 'error';
      metrics.commandOutcomes.inc({ aggregate, outcome });
      throw error;
    }
  };
  return instrumented;
};
