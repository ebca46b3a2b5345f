import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { webhookDeliveryService } from '../../../src/commands/webhooks/webhook-delivery.service';
import { systemClock } from '../../../src/infrastructure/clock';
import type { GlobalPosition } from '../../../src/infrastructure/event-store/event-store';
import { InProcessJobQueue } from '../../../src/infrastructure/job-queue/in-process-job-queue';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../../src/infrastructure/read-store/memory-read-store';
import type { Checkpoint } from '../../../src/projections/projection-checkpoints';
import { publicEventCatalogue } from '../../../src/public-events/catalogue';
import { WebhookDispatcher } from '../../../src/workers/webhooks/webhook-dispatcher';
import { InMemoryEventStore } from '../../support/in-memory-event-store';
import { waitUntil } from '../../support/wait-until';

describe('webhook dispatcher start without a checkpoint', () => {
  const setUp = async (historyAfterReadModelsMs?: number) => {
    const eventStore = new InMemoryEventStore();
    const { position: head } = await eventStore.appendToStream(
      'tick-1',
      [
        {
          id: randomUUID(),
          type: 'Ticked',
          data: {},
          metadata: {
            correlationId: 'test',
            actor: { id: 'test', kind: 'system' },
            occurredAt: '2026-11-27T06:00:00.000Z',
            schemaVersion: 1,
          },
        },
      ],
      'no_stream',
    );
    let readModelsAt: GlobalPosition | undefined;
    const asked: GlobalPosition[] = [];
    const saved: Checkpoint[] = [];
    const dispatcher = new WebhookDispatcher({
      eventStore,
      readStore: new MemoryReadStore(),
      checkpoints: {
        load: async () => saved.at(-1),
        save: async (checkpoint) => void saved.push(checkpoint),
        clear: async () => void (saved.length = 0),
      },
      jobQueue: new InProcessJobQueue(),
      catalogue: publicEventCatalogue,
      deliveries: webhookDeliveryService({ eventStore, clock: systemClock }),
      freshness: {
        waitFor: async (position, timeoutMs) => {
          asked.push(position);
          if (readModelsAt !== undefined && readModelsAt >= position) return true;
          await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 20)));
          return false;
        },
      },
      logger: silentLogger(),
      schedule: [0],
      ...(historyAfterReadModelsMs === undefined ? {} : { historyAfterReadModelsMs }),
    });
    const catchUp = (position: GlobalPosition) => (readModelsAt = position);
    return { dispatcher, head, asked, catchUp };
  };

  it('reads the history once the read models have reached the head it saw', async () => {
    const { dispatcher, head, asked, catchUp } = await setUp(60_000);
    try {
      await dispatcher.start();
      await waitUntil(() => asked.length >= 2, { timeoutMs: 5_000, intervalMs: 5, message: 'asked twice' });
      assert.equal(dispatcher.position(), undefined);
      assert.equal(asked[0], head);
      catchUp(head);
      await waitUntil(() => dispatcher.position() === head, {
        timeoutMs: 5_000,
        intervalMs: 5,
        message: 'dispatched to the head',
      });
    } finally {
      await dispatcher.stop();
    }
  });

  it('does not wait when no projector shares its process', async () => {
    const { dispatcher, head, asked } = await setUp();
    try {
      await dispatcher.start();
      await waitUntil(() => dispatcher.position() === head, {
        timeoutMs: 5_000,
        intervalMs: 5,
        message: 'dispatched to the head',
      });
      assert.deepEqual(asked, []);
    } finally {
      await dispatcher.stop();
    }
  });

  it('stops promptly while it waits', async () => {
    const { dispatcher, asked } = await setUp(60_000);
    await dispatcher.start();
    await waitUntil(() => asked.length >= 1, { timeoutMs: 5_000, intervalMs: 5, message: 'waiting' });
    const started = Date.now();
    await dispatcher.stop();
    assert.ok(Date.now() - started < 10_000, 'stop waited out the 60 s bound');
  });
});
