import type { ChargeResult } from '../../commands/charges/charge.service';
import { runPeriodically } from '../run-periodically';
import type { Clock } from '../../infrastructure/clock';
import type { JobQueue, QueueWorker, RetryPolicy } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Filter, ReadStore } from '../../infrastructure/read-store/read-store';
import type { ChargeSessionState } from '../../domain/charge-session/charge-session.state';
import { CHARGES_COLLECTION, type ChargeDocument } from '../../projections/charges/charge.document';
import {
  CHARGE_PROCESS_QUEUE,
  CPMS_POLL_QUEUE,
  jobIdFor,
  jobIdForAction,
  needsPolling,
  OPEN_CHARGES_FILTER,
  outstandingActions,
  pollCandidatesFilter,
  retryPolicyFor,
  type ChargeJob,
} from './charge-actions';
import { chargeJobHandler, cpmsPollHandler, type ChargeJobDeps } from './charge-jobs';

const BATCH = 200;
/** A failed poll is simply the next poll. */
const POLL_RETRY: RetryPolicy = { attempts: 1, backoff: { type: 'fixed', delayMs: 0 } };

export interface ChargeProcessDeps {
  jobQueue: JobQueue;
  clock: Clock;
  logger: Logger;
}

/** Queues what the charge still needs. Safe to call any number of times: job ids are deterministic. */
export const enqueueOutstanding = async (
  deps: ChargeProcessDeps,
  charge: ChargeSessionState,
): Promise<void> => {
  if (charge.status === 'empty') return;
  const now = deps.clock.now();
  for (const action of outstandingActions(charge, now)) {
    await deps.jobQueue.enqueue<ChargeJob>(
      CHARGE_PROCESS_QUEUE,
      action,
      { chargeId: charge.chargeId },
      {
        jobId: jobIdForAction(action, charge),
        retry: retryPolicyFor(action),
      },
    );
  }
};

/**
 * The fast path: right after a command changed a charge, queue what it now needs, so a completion is
 * captured in milliseconds rather than at the next sweep. Losing a kick (a crash) loses nothing; the
 * sweep finds the same work.
 */
export const chargeKicker =
  (deps: ChargeProcessDeps) =>
  (result: ChargeResult): void => {
    enqueueOutstanding(deps, result.state).catch((error: unknown) =>
      deps.logger.warn('could not queue charge work; the sweep will', {
        chargeId: result.state.status === 'empty' ? undefined : result.state.chargeId,
        error,
      }),
    );
  };

export interface ChargeSweepDeps extends ChargeProcessDeps {
  readStore: ReadStore;
  /** The charge's aggregate state, folded from its stream: what the sweeps decide from. */
  loadCharge: (chargeId: string) => Promise<ChargeSessionState>;
}

/** The ids of open charges, through the read model's indexes: candidates only, each decided from its stream. */
const openChargeIds = async (deps: ChargeSweepDeps, filter: Filter): Promise<string[]> => {
  const open = await deps.readStore
    .collection<ChargeDocument>(CHARGES_COLLECTION)
    .find(filter, { limit: BATCH, sort: { createdAt: 1 } });
  return open.map((charge) => charge.id);
};

/** The durable path: every open charge, its outstanding work queued again. */
export const sweepCharges = async (deps: ChargeSweepDeps): Promise<number> => {
  const ids = await openChargeIds(deps, OPEN_CHARGES_FILTER);
  for (const id of ids) await enqueueOutstanding(deps, await deps.loadCharge(id));
  return ids.length;
};

export const pollCpms = async (
  deps: ChargeSweepDeps & { pollIntervalMs: number; lateStartWatchMs: number },
): Promise<number> => {
  const now = deps.clock.now();
  const ids = await openChargeIds(deps, pollCandidatesFilter(now, deps.lateStartWatchMs));
  let polled = 0;
  for (const id of ids) {
    if (!needsPolling(await deps.loadCharge(id), now, deps.lateStartWatchMs)) continue;
    polled += 1;
    await deps.jobQueue.enqueue<ChargeJob>(
      CPMS_POLL_QUEUE,
      'poll',
      { chargeId: id },
      { jobId: jobIdFor('poll', id, deps.pollIntervalMs), retry: POLL_RETRY },
    );
  }
  return polled;
};

/** The worker role's part: the job handlers, the sweep and the CPMS status poll. */
export const startChargeWorkers = (
  deps: ChargeProcessDeps &
    ChargeJobDeps & {
      readStore: ReadStore;
      sweepIntervalMs: number;
      pollIntervalMs: number;
      /** How long after a failure a session the CPMS may still start is looked for. */
      lateStartWatchMs: number;
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
  // The one place the process managers load a charge's state (the lead may point it at a state cache).
  const sweepDeps: ChargeSweepDeps = { ...deps, loadCharge: (chargeId) => deps.charges.load(chargeId) };
  const periodic = [
    runPeriodically('charge sweep', deps.sweepIntervalMs, deps.logger, () => sweepCharges(sweepDeps)),
    runPeriodically('CPMS status poll', deps.pollIntervalMs, deps.logger, () =>
      pollCpms({
        ...sweepDeps,
        pollIntervalMs: deps.pollIntervalMs,
        lateStartWatchMs: deps.lateStartWatchMs,
      }),
    ),
  ];
  return {
    close: async () => {
      for (const task of periodic) await task.close();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
};
