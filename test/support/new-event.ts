import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/infrastructure/event-store/event-store';

/** An event to append in store-level specs: no data, system metadata. */
export const newEvent = (type = 'ThingHappened', id: string = randomUUID()): NewEvent => ({
  id,
  type,
  data: {},
  metadata: {
    correlationId: 'req_1',
    actor: { id: 'system', kind: 'system' },
    occurredAt: '2026-01-15T10:00:00.000Z',
    schemaVersion: 1,
  },
});
