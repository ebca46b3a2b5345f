import type { CommandResult } from '../../commands/command-handler';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import type { Clock } from '../../infrastructure/clock';
import type { JobQueue, QueueWorker, RetryPolicy } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { PaymentIntentDocument } from '../../projections/payment-intents/payment-intent.document';
import { runPeriodically } from '../run-periodically';
import {
  edenredCaptureHandler,
  type EdenredCaptureDeps,
  type EdenredCaptureJob,
} from './edenred-capture-job';

export const EDENRED_CAPTURE_QUEUE = 'edenred-captures';
/** About a minute of retries (1 s doubling); the sweep queues a new job in the next window if still pending. */
export const EDENRED_CAPTURE_RETRY: RetryPolicy = {
  attempts: 6,
  backoff: { type: 'exponential', baseDelayMs: 1000 },
};
const WINDOW_MS = 5 * 60_000;
const BATCH = 200;

/**
 * One job per intent and five-minute window of real time: the kick after the capture request and every
 * sweep in the window name the same job, and a job's retries end well within it. No ':' (BullMQ).
 */
export const captureJobIdFor = (paymentIntentId: string, nowMs = Date.now()): string =>
  `edenred-capture-${paymentIntentId}-${Math.floor(nowMs / WINDOW_MS)}`;

export interface EdenredCaptureQueueDeps {
  jobQueue: JobQueue;
  logger: Logger;
  retry?: RetryPolicy;
}

const enqueue = (deps: EdenredCaptureQueueDeps, paymentIntentId: string) =>
  deps.jobQueue.enqueue<EdenredCaptureJob>(
    EDENRED_CAPTURE_QUEUE,
    'capture',
    { paymentIntentId },
    { jobId: captureJobIdFor(paymentIntentId), retry: deps.retry ?? EDENRED_CAPTURE_RETRY },
  );

/** The fast path: right after an intent became capture_pending. A lost kick loses nothing: the sweep finds it. */
export const edenredCaptureKicker =
  (deps: EdenredCaptureQueueDeps) =>
  (result: CommandResult<PaymentIntentState, unknown>): void => {
    const { state } = result;
    if (state.status !== 'capture_pending' || state.paymentMethodType !== 'edenred') return;
    enqueue(deps, state.paymentIntentId).catch((error: unknown) =>
      deps.logger.warn('could not queue the Edenred capture; the sweep will', {
        paymentIntentId: state.paymentIntentId,
        error,
      }),
    );
  };

/** The durable path: every pending capture in the read model, queued again (each job checks the stream). */
export const sweepEdenredCaptures = async (deps: EdenredCaptureQueueDeps & { readStore: ReadStore }) => {
  const pending = await deps.readStore
    .collection<PaymentIntentDocument>('payment_intents')
    .find({ status: 'capture_pending' }, { limit: BATCH, sort: { createdAt: 1 } });
  const edenred = pending.filter((doc) => doc.paymentMethod.type === 'edenred');
  for (const doc of edenred) await enqueue(deps, doc.id);
  return edenred.length;
};

export const startEdenredCaptureWorkers = (
  deps: EdenredCaptureDeps &
    EdenredCaptureQueueDeps & {
      readStore: ReadStore;
      clock: Clock;
      sweepIntervalMs: number;
      concurrency?: number;
    },
): { close: () => Promise<void> } => {
  const worker: QueueWorker = deps.jobQueue.process<EdenredCaptureJob>(
    EDENRED_CAPTURE_QUEUE,
    edenredCaptureHandler(deps),
    {
      concurrency: deps.concurrency ?? 4,
      onFailed: (job, error) =>
        deps.logger.error('Edenred capture gave up for now; the sweep queues it again', {
          jobId: job.id,
          error: error.message,
        }),
    },
  );
  const sweep = runPeriodically('Edenred capture sweep', deps.sweepIntervalMs, deps.logger, () =>
    sweepEdenredCaptures(deps),
  );
  return {
    close: async () => {
      await sweep.close();
      await worker.close();
    },
  };
};
