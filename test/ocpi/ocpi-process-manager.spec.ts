import assert from 'node:assert/strict';
import type { GlobalPosition } from '../../src/infrastructure/event-store/event-store';
import { InProcessJobQueue } from '../../src/infrastructure/job-queue/in-process-job-queue';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import { startOcpiProcessManager } from '../../src/ocpi/process/ocpi-process-manager';
import type { Checkpoint } from '../../src/projections/projection-checkpoints';
import { InMemoryEventStore } from '../support/in-memory-event-store';
import { newEvent } from '../support/new-event';
import { waitUntil } from '../support/wait-until';

/** What the process manager reads of a CDR: the intent it names. */
const cdrDocument = (paymentIntentId: string) => ({ _id: `cdr-${paymentIntentId}`, paymentIntentId });

describe('OCPI process manager: which settled intents owe a Financial Advice Confirmation (decision 0040)', () => {
  let eventStore: InMemoryEventStore;
  let readStore: MemoryReadStore;
  let jobQueue: InProcessJobQueue;
  let confirmed: string[];
  let readModelsAsked: GlobalPosition[];
  let readModelsReach: boolean;
  let manager: ReturnType<typeof startOcpiProcessManager>;
  let handled: GlobalPosition | undefined;

  const append = async (type: string, data: Record<string, unknown>) => {
    const event = { ...newEvent(type), data };
    return (await eventStore.appendToStream(`s-${event.id}`, [event], 'no_stream')).position;
  };
  const handledUpTo = (position: GlobalPosition) =>
    waitUntil(() => handled !== undefined && handled >= position, { timeoutMs: 2_000 });

  beforeEach(() => {
    eventStore = new InMemoryEventStore();
    readStore = new MemoryReadStore();
    jobQueue = new InProcessJobQueue();
    confirmed = [];
    readModelsAsked = [];
    readModelsReach = true;
    handled = undefined;
    const saved: Checkpoint[] = [];
    manager = startOcpiProcessManager({
      eventStore,
      readStore,
      jobQueue,
      logger: silentLogger(),
      checkpoints: {
        load: async () => saved.at(-1),
        save: async (checkpoint) => {
          saved.push(checkpoint);
          handled = checkpoint.position;
        },
        clear: async () => void (saved.length = 0),
      },
      charges: {
        load: async () => ({ status: 'empty' }) as never,
        reportCpmsStatus: async () => undefined as never,
        recordCpmsReading: async () => undefined as never,
      },
      financialAdvice: { confirm: async (paymentIntentId) => void confirmed.push(paymentIntentId) as never },
      readModelsAt: async (position) => {
        readModelsAsked.push(position);
        return readModelsReach;
      },
      retry: { attempts: 1, backoff: { type: 'exponential', baseDelayMs: 10 } },
      sweepIntervalMs: 60_000,
      resubscribeMs: 20,
    });
  });

  afterEach(async () => {
    await manager.close();
    await jobQueue.close();
  });

  it('queues nothing for a settled intent no CDR names, once the read models hold its settlement', async () => {
    const captured = await append('PaymentIntentCaptured', { paymentIntentId: 'pi_card' });
    await handledUpTo(captured);
    assert.deepEqual(readModelsAsked, [captured]);
    assert.deepEqual(confirmed, []);
  });

  it('confirms a settled intent whose CDR came first, and one whose CDR comes after it', async () => {
    await readStore.collection('ocpi_cdrs').replaceOne({ _id: 'cdr-pi_early' }, cdrDocument('pi_early'), {
      upsert: true,
    });
    await append('PaymentIntentCaptured', { paymentIntentId: 'pi_early' });
    await append('PaymentIntentVoided', { paymentIntentId: 'pi_late' });
    const cdr = await append('OcpiCdrReceived', { paymentIntentId: 'pi_late' });
    await handledUpTo(cdr);
    await waitUntil(() => confirmed.length === 2, { timeoutMs: 2_000 });
    assert.deepEqual([...confirmed].sort(), ['pi_early', 'pi_late']);
  });

  it('does not move past a settlement while the read models cannot show whether a CDR names it', async () => {
    readModelsReach = false;
    const captured = await append('PaymentIntentCaptured', { paymentIntentId: 'pi_unknown' });
    await waitUntil(() => readModelsAsked.length >= 2, { timeoutMs: 2_000 });
    assert.equal(handled, undefined, 'the checkpoint stayed before the settlement');
    await readStore
      .collection('ocpi_cdrs')
      .replaceOne({ _id: 'cdr-pi_unknown' }, cdrDocument('pi_unknown'), { upsert: true });
    readModelsReach = true;
    await handledUpTo(captured);
    await waitUntil(() => confirmed.includes('pi_unknown'), { timeoutMs: 2_000 });
  });
});
