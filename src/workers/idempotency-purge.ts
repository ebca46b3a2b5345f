import type { Clock } from '../infrastructure/clock';
import type { IdempotencyStore } from '../infrastructure/idempotency/idempotency-store';
import type { Logger } from '../infrastructure/logging/logger';
import { runPeriodically } from './run-periodically';

/**
 * Deletes expired idempotency records now and then: expired ones already count as absent, but without
 * this the embedded SQLite table only ever grows (MongoDB's TTL index does the same on its own).
 */
export const startIdempotencyPurge = (deps: {
  idempotencyStore: IdempotencyStore;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}): { close: () => Promise<void> } =>
  runPeriodically('idempotency purge', deps.intervalMs, deps.logger, async () => {
    const purged = await deps.idempotencyStore.purgeExpired(deps.clock.now().getTime());
    if (purged > 0) deps.logger.info('expired idempotency records deleted', { purged });
  });
