import assert from 'node:assert/strict';
import { CHECKPOINT_STREAM } from '../../src/audit/checkpoint';
import { latestCheckpoint } from '../../src/audit/audit-checkpoints';
import { checkpointSignatureProblem } from '../../src/audit/checkpoint';
import { loadAuditSigningKey } from '../../src/audit/signing-key';
import { systemClock } from '../../src/infrastructure/clock';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startAuditCheckpointer } from '../../src/workers/audit-checkpointer';
import { auditKeyPem } from '../audit/audit-history.fixtures';
import { waitUntil } from '../support/wait-until';

describe('audit checkpointer', () => {
  it('signs checkpoints periodically, the first one interval after start, each covering the newest events', async () => {
    const eventStore = new SqliteEventStore(':memory:');
    const signingKey = loadAuditSigningKey(auditKeyPem);
    const metadata = {
      correlationId: 'req_1',
      actor: { id: 'key_1', kind: 'api_key' as const },
      occurredAt: '2026-03-02T09:00:00.000Z',
      schemaVersion: 1,
    };
    await eventStore.appendToStream(
      'thing-1',
      [{ id: crypto.randomUUID(), type: 'ThingHappened', data: {}, metadata }],
      'no_stream',
    );
    const checkpointer = startAuditCheckpointer({
      eventStore,
      signingKey,
      clock: systemClock,
      logger: silentLogger(),
      intervalMs: 40,
    });
    try {
      assert.equal((await eventStore.readStream(CHECKPOINT_STREAM)).length, 0, 'none at start');
      await waitUntil(async () => (await eventStore.readStream(CHECKPOINT_STREAM)).length >= 2, {
        message: 'two checkpoints',
        timeoutMs: 5_000,
      });
    } finally {
      await checkpointer.close();
    }
    const signed = (await eventStore.readStream(CHECKPOINT_STREAM)).length;
    const latest = (await latestCheckpoint(eventStore))!;
    assert.equal(checkpointSignatureProblem(latest, signingKey.publicKey), undefined);
    assert.deepEqual(
      latest.heads.map((head) => [head.streamName, head.revision]),
      [
        [CHECKPOINT_STREAM, signed - 2],
        ['thing-1', 0],
      ],
      'each checkpoint covers the one before it',
    );
    await eventStore.close();
  });
});
