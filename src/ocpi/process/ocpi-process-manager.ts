import { systemContext } from '../../commands/command-context';
import { DomainError } from '../../domain/shared/domain-error';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Job, JobQueue, RetryPolicy } from '../../infrastructure/job-queue/job-queue';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import { CheckpointedSubscription, type CheckpointStore } from '../../projections/checkpointed-subscription';
import type {
  OcpiCdrDocument,
  OcpiFinancialAdviceDocument,
} from '../../projections/ocpi/ocpi-payment.projections';
import { runPeriodically } from '../../workers/run-periodically';
import type { FinancialAdvice } from '../modules/financial-advice';
import { feedCharge, type ChargeFeedDeps } from './charge-feed';
import { ocpiFlowWorkOf } from './ocpi-flow-triggers';

export const OCPI_PROCESS_MANAGER_NAME = 'ocpi-process-manager';
export const OCPI_FAC_QUEUE = 'ocpi-financial-advice';

/** Nothing to confirm (yet): not an OCPI payment, its CDR has not come, or it has not settled. */
const NOT_DUE = new Set(['ocpi_cdr_not_found', 'payment_not_settled', 'payment_intent_not_found']);

interface FacJob {
  paymentIntentId: string;
}

export interface OcpiProcessManagerDeps extends ChargeFeedDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  jobQueue: JobQueue;
  checkpoints: CheckpointStore;
  financialAdvice: Pick<FinancialAdvice, 'confirm'>;
  /**
   * Waits, bounded, until the read models hold a position of the global stream; false when they did not
   * get there in time.
   */
  readModelsAt: (position: GlobalPosition) => Promise<boolean>;
  /** Backoff of a confirmation the CPO did not take; the sweep takes over after the last attempt. */
  retry: RetryPolicy;
  /** How often confirmations still undelivered are queued again. */
  sweepIntervalMs: number;
  /** Delay before a failed subscription resumes from its checkpoint. */
  resubscribeMs?: number;
}

/**
 * The OCPI flows' process manager, a checkpointed subscription to $all like the webhook dispatcher's:
 * - a payment intent that settled (captured, capture failed, voided, expired) and that a CDR names, or a CDR
 *   naming one, queues its Financial Advice Confirmation, confirmed and pushed to the CPO by a job that
 *   retries with backoff; a sweep re-queues any confirmation still undelivered, so none is lost (the CPO
 *   sees the same id again);
 * - a session a CPO pushed feeds the charge paying with its authorization_reference.
 * The checkpoint moves only past events fully handled (the job queued, the charge fed).
 */
export const startOcpiProcessManager = (deps: OcpiProcessManagerDeps) => {
  let stopped = false;
  const enqueueConfirmation = (paymentIntentId: string, jobId: string) =>
    deps.jobQueue.enqueue<FacJob>(
      OCPI_FAC_QUEUE,
      'confirm',
      { paymentIntentId },
      { jobId, retry: deps.retry },
    );

  const cdrs = deps.readStore.collection<OcpiCdrDocument>('ocpi_cdrs');
  /**
   * A settled intent owes a confirmation only when a CDR names it. A CDR received before the settlement is
   * in the read model once it holds the settlement's position; one received after queues the confirmation
   * by its own event. Most intents are not OCPI payments: they queue nothing (docs/decisions/0040).
   */
  const namedByCdr = async (paymentIntentId: string, position: GlobalPosition): Promise<boolean> => {
    if (await cdrs.findOne({ paymentIntentId })) return true;
    if (!(await deps.readModelsAt(position))) {
      throw new Error('the read models did not reach a settled payment intent in time');
    }
    return (await cdrs.findOne({ paymentIntentId })) !== null;
  };

  const handleOne = async (event: RecordedEvent) => {
    const work = ocpiFlowWorkOf(event);
    if (!work) return;
    if (work.kind === 'confirm') {
      const due =
        event.type === 'OcpiCdrReceived' || (await namedByCdr(work.paymentIntentId, event.position));
      if (due) await enqueueConfirmation(work.paymentIntentId, `fac-${event.id}`);
      return;
    }
    await feedCharge(deps, work, systemContext(`ocpi-session-${event.id}`, event.id));
  };

  const subscription: CheckpointedSubscription = new CheckpointedSubscription({
    eventStore: deps.eventStore,
    checkpoints: deps.checkpoints,
    handle: async (events) => {
      for (const event of events) await handleOne(event);
    },
    onFailure: (error) => {
      if (stopped) return;
      deps.logger.warn('OCPI process manager stopped on an event; resuming from its checkpoint', { error });
      const timer = setTimeout(() => {
        if (!stopped) subscription.start(subscription.position());
      }, deps.resubscribeMs ?? 1_000);
      timer.unref();
    },
  });

  const worker = deps.jobQueue.process<FacJob>(
    OCPI_FAC_QUEUE,
    async (job: Job<FacJob>) => {
      try {
        await deps.financialAdvice.confirm(job.data.paymentIntentId, systemContext(`job-${job.id}`));
      } catch (error) {
        if (error instanceof DomainError && NOT_DUE.has(error.code)) return;
        throw error;
      }
    },
    {
      concurrency: 2,
      onFailed: (job, error) =>
        deps.logger.warn('a Financial Advice Confirmation was not delivered; the sweep retries it', {
          jobId: job.id,
          error: error.message,
        }),
    },
  );

  const sweep = runPeriodically('OCPI undelivered FAC sweep', deps.sweepIntervalMs, deps.logger, async () => {
    const undelivered = await deps.readStore
      .collection<OcpiFinancialAdviceDocument>('ocpi_financial_advice')
      .find({ delivered: false }, { limit: 200, sort: { lastUpdated: 1 } });
    const round = Math.floor(Date.now() / deps.sweepIntervalMs);
    for (const doc of undelivered) {
      const paymentIntentId = String(doc.confirmation.authorization_reference);
      await enqueueConfirmation(paymentIntentId, `fac-sweep-${doc._id}-${round}`);
    }
  });

  const starting = deps.checkpoints
    .load()
    .then((checkpoint) => {
      if (!stopped) subscription.start(checkpoint?.position);
    })
    .catch((error: unknown) => deps.logger.error('the OCPI process manager could not start', { error }));

  return {
    close: async () => {
      stopped = true;
      await starting;
      await sweep.close();
      await subscription.stop();
      await worker.close();
    },
  };
};
