import { loadAuditSigningKey } from '../audit/signing-key';
import { auditRoutes } from '../http/routes/audit.routes';
import type { Clock } from '../infrastructure/clock';
import type { Config } from '../infrastructure/config';
import type { EventStore } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import { startAuditCheckpointer } from '../workers/audit-checkpointer';

/** The audit's part of the composition: the read-only API and the periodic signed checkpoint. */
export const auditRuntime = (deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  eventStore: EventStore;
}) => {
  const { config, logger, clock, eventStore } = deps;
  const signingKey = loadAuditSigningKey(config.AUDIT_SIGNING_KEY);
  return {
    router: () => auditRoutes({ eventStore, publicKey: signingKey.publicKey }),
    startWorker: () => {
      if (signingKey.developmentKey) {
        logger.warn(
          'AUDIT_SIGNING_KEY is not set: audit checkpoints are signed with the public development key',
        );
      }
      return startAuditCheckpointer({
        eventStore,
        signingKey,
        clock,
        logger,
        intervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS,
      });
    },
  };
};
