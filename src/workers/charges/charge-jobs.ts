import type { ChargeService } from '../../commands/charges/charge.service';
import { systemContext, type CommandContext } from '../../commands/command-context';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import type { ChargeSessionState } from '../../domain/charge-session/charge-session.state';
import { DomainError } from '../../domain/shared/domain-error';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import type { Job } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { CpmsAdapter, SessionRequest, StopSessionResult } from '../../integrations/cpms/cpms-adapter';
import { STOP_ASKS, type ChargeAction, type ChargeJob } from './charge-actions';
import { voidReasonOf } from '../../domain/charge-session/void-reason';
import type { SettlementOutcome } from '../../domain/charge-session/charge-session.events';
import { captureEndedOf, followChargeCapture } from './charge-capture';

/** Test seams around the payment step, where a crash is most interesting. Never set in production. */
export interface ChargeProcessHooks {
  beforePaymentSettled?: (chargeId: string) => void | Promise<void>;
  afterPaymentSettled?: (chargeId: string) => void | Promise<void>;
}

export interface ChargeJobDeps {
  charges: ChargeService;
  paymentIntents: PaymentIntentService;
  cpms: CpmsAdapter;
  logger: Logger;
  hooks?: ChargeProcessHooks;
}

/** What a call about a charge's session carries: the charge, where it is, and the CPMS's session id. */
const sessionRequestOf = (state: Exclude<ChargeSessionState, { status: 'empty' }>): SessionRequest => ({
  chargeId: state.chargeId,
  merchantId: state.merchantId,
  stationId: state.stationId,
  connectorId: state.connectorId,
  cpmsSessionId: state.cpmsSessionId,
  route: state.cpmsRoute,
});

type Finished = Extract<ChargeSessionState, { status: 'completed' | 'failed' }>;

const startAtCpms = async (deps: ChargeJobDeps, state: ChargeSessionState, context: CommandContext) => {
  if (state.status !== 'pending' || state.cpmsStartAccepted) return;
  const result = await deps.cpms.startSession({
    chargeId: state.chargeId,
    merchantId: state.merchantId,
    stationId: state.stationId,
    connectorId: state.connectorId,
    evseId: state.evseId,
  });
  if (result.outcome === 'accepted')
    await deps.charges.acceptCpmsStart(state.chargeId, result.cpmsSessionId, context, result.route ?? null);
  else await deps.charges.refuseCpmsStart(state.chargeId, result.reason, context, result.startMayFollow);
};

/**
 * Asks the CPMS to stop; an error is retried by the job (STOP_RETRY). When the ask fails at attempt
 * STOP_ASKS or later, the stop is recorded as failed, so the charge shows stop_failed instead of a stop
 * pending for ever; if that record cannot be written, the job's remaining attempts ask and record again.
 */
const stopAtCpms = async (
  deps: ChargeJobDeps,
  state: ChargeSessionState,
  context: CommandContext,
  attempt: number,
) => {
  if (state.status === 'empty' || state.status === 'pending' || state.stop?.outcome !== 'pending') return;
  let result: StopSessionResult;
  try {
    result = await deps.cpms.stopSession(sessionRequestOf(state));
  } catch (error) {
    if (attempt < STOP_ASKS) throw error;
    deps.logger.error('the CPMS did not take the stop; recorded as failed', {
      chargeId: state.chargeId,
      attempts: attempt,
      error,
    });
    result = { outcome: 'refused', reason: `the CPMS did not answer the stop after ${attempt} attempts` };
  }
  await deps.charges.recordCpmsStopOutcome(
    state.chargeId,
    result.outcome === 'accepted' ? { accepted: true } : { accepted: false, reason: result.reason },
    context,
  );
};

/**
 * An asynchronous capture (Edenred) is usually still pending when the charge settles: the charge records
 * capture_pending and follows the intent's outcome later (follow-capture). It may have ended already.
 */
const captureOutcome = (
  intent: PaymentIntentState,
  amountDue: number,
): { outcome: SettlementOutcome; amountCaptured: number; failureCode: string | null } => {
  if (intent.status === 'capture_pending')
    return { outcome: 'capture_pending', amountCaptured: 0, failureCode: null };
  return captureEndedOf(intent) ?? { outcome: 'captured', amountCaptured: amountDue, failureCode: null };
};

/**
 * Captures what the charge owes or voids the intent, then records the outcome on the charge. A crash
 * between the two is safe: the intent knows which charge captured or voided it, so the retry's payment
 * command changes nothing and only the record on the charge is written.
 */
const settle = async (deps: ChargeJobDeps, state: Finished, context: CommandContext) => {
  const { chargeId, paymentIntentId } = state;
  const capture = state.status === 'completed' && state.paymentAction === 'capture' && state.amountDue > 0;
  await deps.hooks?.beforePaymentSettled?.(chargeId);
  let outcome: { outcome: SettlementOutcome; amountCaptured: number; failureCode: string | null };
  try {
    if (capture) {
      const captured = await deps.paymentIntents.captureForCharge(
        paymentIntentId,
        chargeId,
        state.amountDue,
        context,
      );
      outcome = captureOutcome(captured.state, state.amountDue);
    } else {
      await deps.paymentIntents.voidForCharge(paymentIntentId, chargeId, voidReasonOf(state), context);
      outcome = { outcome: 'voided', amountCaptured: 0, failureCode: null };
    }
  } catch (error) {
    // The intent refuses (its authorization expired, say): retrying cannot help; a human must look.
    if (!(error instanceof DomainError)) throw error;
    deps.logger.error('charge settlement refused by the payment intent', {
      chargeId,
      paymentIntentId,
      code: error.code,
    });
    outcome = { outcome: 'failed', amountCaptured: 0, failureCode: error.code };
  }
  await deps.hooks?.afterPaymentSettled?.(chargeId);
  await deps.charges.recordSettlement(chargeId, outcome, context);
};

/** One handler for every charge process; each reads the charge's stream and does only what is left. */
export const chargeJobHandler =
  (deps: ChargeJobDeps) =>
  async (job: Job<ChargeJob>): Promise<void> => {
    const { chargeId } = job.data;
    const context = systemContext(`job-${job.id}`);
    const state = await deps.charges.load(chargeId);
    switch (job.name as ChargeAction) {
      case 'cpms-start':
        return startAtCpms(deps, state, context);
      case 'start-timeout':
        await deps.charges.timeOutStart(chargeId, context);
        return;
      case 'cpms-stop':
        return stopAtCpms(deps, state, context, job.attempt);
      case 'settle':
        if ((state.status === 'completed' || state.status === 'failed') && !state.settlement) {
          await settle(deps, state, context);
        }
        return;
      case 'follow-capture':
        await followChargeCapture(deps, chargeId, context);
        return;
      default:
        deps.logger.warn('unknown charge job', { jobId: job.id, name: job.name });
    }
  };

/** Asks the CPMS how the session is doing and tells the charge; the decider ignores what it knew. */
export const cpmsPollHandler =
  (deps: Pick<ChargeJobDeps, 'charges' | 'cpms'>) =>
  async (job: Job<ChargeJob>): Promise<void> => {
    const state = await deps.charges.load(job.data.chargeId);
    if (state.status === 'empty') return;
    const view = await deps.cpms.getSession(sessionRequestOf(state));
    if (!view) return;
    await deps.charges.reportCpmsStatus(
      job.data.chargeId,
      view.status,
      view.cpmsSessionId,
      systemContext(`job-${job.id}`),
    );
  };
