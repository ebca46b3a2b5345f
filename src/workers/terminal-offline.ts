import { systemContext } from '../commands/command-context';
import { runPeriodically } from './run-periodically';
import type { TerminalService } from '../commands/terminals/terminal.service';
import type { Clock } from '../infrastructure/clock';
import type { JobQueue, QueueWorker } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import type { TerminalDocument } from '../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../projections/terminals/terminal.projection';

export const TERMINAL_OFFLINE_QUEUE = 'terminal-offline';
const BATCH = 500;

interface OfflineJob {
  terminalId: string;
}

/**
 * The offline process manager: finds online terminals silent for longer than the limit in the read
 * model and queues one command each. The job id names the terminal's version, so a terminal that comes
 * back and falls silent again gets a new job; the decider checks the time again, so an early or repeated
 * job does nothing.
 */
export const sweepSilentTerminals = async (deps: {
  readStore: ReadStore;
  jobQueue: JobQueue;
  clock: Clock;
  offlineAfterMs: number;
}): Promise<number> => {
  const silentSince = new Date(deps.clock.now().getTime() - deps.offlineAfterMs).toISOString();
  const silent = await deps.readStore
    .collection<TerminalDocument>(TERMINALS_COLLECTION)
    .find(
      { connectivity: 'online', status: { $ne: 'decommissioned' }, lastSeenAt: { $lte: silentSince } },
      { limit: BATCH, sort: { lastSeenAt: 1 } },
    );
  for (const terminal of silent) {
    await deps.jobQueue.enqueue<OfflineJob>(
      TERMINAL_OFFLINE_QUEUE,
      'mark-offline',
      { terminalId: terminal.id },
      { jobId: `offline-${terminal.id}-${terminal.version}` },
    );
  }
  return silent.length;
};

export const startTerminalOfflineWorker = (deps: {
  readStore: ReadStore;
  jobQueue: JobQueue;
  clock: Clock;
  logger: Logger;
  terminals: TerminalService;
  offlineAfterMs: number;
  sweepIntervalMs: number;
}): { close: () => Promise<void> } => {
  const worker: QueueWorker = deps.jobQueue.process<OfflineJob>(TERMINAL_OFFLINE_QUEUE, async (job) => {
    await deps.terminals.markOffline(job.data.terminalId, systemContext(`job-${job.id}`));
  });
  const sweep = runPeriodically('terminal offline sweep', deps.sweepIntervalMs, deps.logger, () =>
    sweepSilentTerminals(deps),
  );
  return {
    close: async () => {
      await sweep.close();
      await worker.close();
    },
  };
};
