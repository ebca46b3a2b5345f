import { systemContext } from '../commands/command-context';
import type { PaymentIntentService } from '../commands/payment-intents/payment-intent.service';
import type { Clock } from '../infrastructure/clock';
import type { JobQueue, QueueWorker } from '../infrastructure/job-queue/job-queue';
import type { Logger } from '../infrastructure/logging/logger';
import type { ReadStore } from '../infrastructure/read-store/read-store';
import { runPeriodically } from './run-periodically';
import type { PaymentIntentDocument } from '../projections/payment-intents/payment-intent.document';

export const EXPIRY_QUEUE = 'payment-intent-expiry';
const BATCH = 200;

interface ExpiryJob {
  paymentIntentId: string;
}

/**
 * Finds authorizations past their expiry in the read model and queues one expiry command each. The
 * read model and the events are the durable record, so a restart loses no expiry; the decider checks
 * the time again, so an early or repeated job does nothing.
 */
export const sweepExpiredAuthorizations = async (deps: {
  readStore: ReadStore;
  jobQueue: JobQueue;
  clock: Clock;
}) => {
  const due = await deps.readStore
    .collection<PaymentIntentDocument>('payment_intents')
    .find(
      { status: 'authorized', expiresAt: { $lte: deps.clock.now().toISOString() } },
      { limit: BATCH, sort: { expiresAt: 1 } },
    );
  for (const intent of due) {
    await deps.jobQueue.enqueue<ExpiryJob>(
      EXPIRY_QUEUE,
      'expire',
      { paymentIntentId: intent.id },
      { jobId: `expire-${intent.id}` },
    );
  }
  return due.length;
};

export const startExpiryWorker = (deps: {
  readStore: ReadStore;
  jobQueue: JobQueue;
  clock: Clock;
  logger: Logger;
  paymentIntents: PaymentIntentService;
  sweepIntervalMs: number;
}): { close: () => Promise<void> } => {
  const worker: QueueWorker = deps.jobQueue.process<ExpiryJob>(EXPIRY_QUEUE, async (job) => {
    await deps.paymentIntents.expire(job.data.paymentIntentId, systemContext(`job-${job.id}`));
  });
  const sweep = runPeriodically('expiry sweep', deps.sweepIntervalMs, deps.logger, () =>
    sweepExpiredAuthorizations(deps),
  );
  return {
    close: async () => {
      await sweep.close();
      await worker.close();
    },
  };
};
