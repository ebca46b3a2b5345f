import assert from 'node:assert/strict';
import { ManualClock } from '../../src/infrastructure/clock';
import type { IdempotencyStore } from '../../src/infrastructure/idempotency/idempotency-store';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startIdempotencyPurge } from '../../src/workers/idempotency-purge';
import { waitUntil } from '../support/wait-until';

describe('the idempotency purge', () => {
  it('deletes what expired before the clock’s now, at once and then every interval', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    const calls: number[] = [];
    const store = {
      purgeExpired: async (now: number) => {
        calls.push(now);
        return 3;
      },
    } as unknown as IdempotencyStore;
    const purge = startIdempotencyPurge({
      idempotencyStore: store,
      clock,
      logger: silentLogger(),
      intervalMs: 20,
    });
    try {
      await waitUntil(() => calls.length >= 1, { timeoutMs: 2_000, intervalMs: 1 });
      assert.equal(calls[0], Date.parse('2026-03-02T09:00:00.000Z'));
      clock.advance(60_000);
      await waitUntil(() => calls.length >= 2, { timeoutMs: 2_000, intervalMs: 5 });
      assert.ok(calls.some((now) => now === Date.parse('2026-03-02T09:01:00.000Z')));
    } finally {
      await purge.close();
    }
  });
});
