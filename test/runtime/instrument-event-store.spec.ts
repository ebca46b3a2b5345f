import assert from 'node:assert/strict';
import { WrongExpectedRevisionError } from '../../src/infrastructure/event-store/event-store';
import { createMetrics } from '../../src/infrastructure/metrics/metrics';
import { instrumentEventStore } from '../../src/runtime/instrument-event-store';
import { InMemoryEventStore } from '../support/in-memory-event-store';
import { newEvent } from '../support/new-event';

describe('instrumentEventStore', () => {
  const event = (id: string) => newEvent('Happened', id);

  it('counts appends by aggregate and outcome, and times each', async () => {
    const metrics = createMetrics();
    const store = instrumentEventStore(new InMemoryEventStore(), metrics);
    await store.appendToStream('payment_intent-pi_1', [event('e-1')], 'no_stream');
    await store.appendToStream('payment_intent-pi_2', [event('e-2')], 'no_stream');
    await store.appendToStream('charge-ch_1', [event('e-3')], 'no_stream');
    await assert.rejects(
      store.appendToStream('payment_intent-pi_1', [event('e-4')], 'no_stream'),
      WrongExpectedRevisionError,
    );

    const counted = (await metrics.commandOutcomes.get()).values
      .filter((value) => value.value > 0)
      .map((value) => [value.labels.aggregate, value.labels.outcome, value.value]);
    assert.deepEqual(counted.sort(), [
      ['charge', 'appended', 1],
      ['payment_intent', 'appended', 2],
      ['payment_intent', 'conflict', 1],
    ]);
    const timed = (await metrics.eventStoreAppendDuration.get()).values
      .filter((value) => value.metricName === 'event_store_append_duration_seconds_count')
      .map((value) => [value.labels.outcome, value.value]);
    assert.deepEqual(timed.sort(), [
      ['error', 1],
      ['ok', 3],
    ]);
  });
});
