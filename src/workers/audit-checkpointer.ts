import { createCheckpoint, type CheckpointDeps } from '../audit/audit-checkpoints';
import { WrongExpectedRevisionError } from '../infrastructure/event-store/event-store';
import type { Logger } from '../infrastructure/logging/logger';
import { runPeriodically } from './run-periodically';

/**
 * Signs a checkpoint every `intervalMs`. The first one waits one interval after start, so that a process
 * restarting in a loop does not sign one per start. Two workers signing at once: one append wins on the
 * checkpoint stream's expected revision, and the other's checkpoint is simply not needed.
 */
export const startAuditCheckpointer = (
  deps: Omit<CheckpointDeps, 'onProgress'> & { logger: Logger; intervalMs: number },
): { close: () => Promise<void> } => {
  let started = false;
  return runPeriodically('audit checkpoint', deps.intervalMs, deps.logger, async () => {
    if (!started) {
      started = true;
      return;
    }
    try {
      const checkpoint = await createCheckpoint(deps);
      deps.logger.info('audit checkpoint signed', {
        position: checkpoint.position,
        streams: checkpoint.streamCount,
        events: checkpoint.eventCount,
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      deps.logger.info('audit checkpoint signed by another worker meanwhile');
    }
  });
};
