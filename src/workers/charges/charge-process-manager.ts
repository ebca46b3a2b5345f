import type { ChargeResult } from '../../commands/charges/charge.service';
import { runPeriodically } from '../run-periodically';
import type { Clock } from '../../infrastructure/clock';
import type { JobQueue, QueueWorker, RetryPolicy } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import { CHARGES_COLLECTION, type ChargeDocument } from '../../projections/charges/charge.document';
import {
  CHARGE_PROCESS_QUEUE,
  CPMS_POLL_QUEUE,
  jobIdFor,
  needsPolling,
  OPEN_CHARGES_FILTER,
  outstandingActions,
  type ChargeJob,
} from './charge-actions';
import { chargeJobHandler, cpmsPollHandler, type ChargeJobDeps } from './charge-jobs';

const BATCH = 200;
const PROCESS_RETRY: RetryPolicy = { attempts: 6, backoff: { type: 'exponential', baseDelayMs: 500 } };
/** A failed poll is simply the next poll. */
const POLL_RETRY: RetryPolicy = { attempts: 1, backoff: { type: 'fixed', delayMs: 0 } };

export interface ChargeProcessDeps {
  jobQueue: JobQueue;
  clock: Clock;
  logger: Logger;
}

/** Queues what the charge still needs. Safe to call any number of times: job ids are deterministic. */
export const enqueueOutstanding = async (deps: ChargeProcessDeps, charge: ChargeDocument): Promise<void> => {
  const now = deps.clock.now();
  for (const action of outstandingActions(charge, now)) {
    await deps.jobQueue.enqueue<ChargeJob>(
      CHARGE_PROCESS_QUEUE,
      action,
      { chargeId: charge.id },
      { jobId: jobIdFor(action, charge.id), retry: PROCESS_RETRY },
    );
  }
};

/**
 * The fast path: right after a command changed a charge, queue what it now needs, so a completion is
 * captured in milliseconds rather than at the next sweep. Losing a kick (a crash) loses nothing; the
 * sweep finds the same work in the read model.
 */
export const chargeKicker =
  (deps: ChargeProcessDeps) =>
  (result: ChargeResult): void => {
    const charge = result.view;
    if (!charge) return;
    enqueueOutstanding(deps, charge).catch((error: unknown) =>
      deps.logger.warn('could not queue charge work; the sweep will', { chargeId: charge.id, error }),
    );
  };

/** The durable path: every open charge in the read model, its outstanding work queued again. */
export const sweepCharges = async (deps: ChargeProcessDeps & { readStore: ReadStore }): Promise<number> => {
  const open = await deps.readStore
    .collection<ChargeDocument>(CHARGES_COLLECTION)
    .find(OPEN_CHARGES_FILTER, { limit: BATCH, sort: { createdAt: 1 } });
  for (const charge of open) await enqueueOutstanding(deps, charge);
  return open.length;
};

export const pollCpms = async (
  deps: ChargeProcessDeps & { readStore: ReadStore; pollIntervalMs: number },
): Promise<number> => {
  const running = await deps.readStore
    .collection<ChargeDocument>(CHARGES_COLLECTION)
    .find(
      { status: { $in: ['pending', 'active', 'stopping', 'stop_failed'] } },
      { limit: BATCH, sort: { createdAt: 1 } },
    );
  const polled = running.filter(needsPolling);
  for (const charge of polled) {
    await deps.jobQueue.enqueue<ChargeJob>(
      CPMS_POLL_QUEUE,
      'poll',
      { chargeId: charge.id },
      { jobId: jobIdFor('poll', charge.id, deps.pollIntervalMs), retry: POLL_RETRY },
    );
  }
  return polled.length;
};

/** The worker role's part: the job handlers, the sweep and the CPMS status poll. */
export const startChargeWorkers = (
  deps: ChargeProcessDeps &
    ChargeJobDeps & {
      readStore: ReadStore;
      sweepIntervalMs: number;
      pollIntervalMs: number;
      concurrency?: number;
    },
): { close: () => Promise<void> } => {
  const workers: QueueWorker[] = [
    deps.jobQueue.process<ChargeJob>(CHARGE_PROCESS_QUEUE, chargeJobHandler(deps), {
      concurrency: deps.concurrency ?? 4,
    }),
    deps.jobQueue.process<ChargeJob>(CPMS_POLL_QUEUE, cpmsPollHandler(deps), {
      concurrency: deps.concurrency ?? 4,
    }),
  ];
  const periodic = [
    runPeriodically('charge sweep', deps.sweepIntervalMs, deps.logger, () => sweepCharges(deps)),
    runPeriodically('CPMS status poll', deps.pollIntervalMs, deps.logger, () => pollCpms(deps)),
  ];
  return {
    close: async () => {
      for (const task of periodic) await task.close();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
};
