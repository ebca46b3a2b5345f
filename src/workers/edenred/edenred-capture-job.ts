import { systemContext, type CommandContext } from '../../commands/command-context';
import type { EdenredLinkService } from '../../commands/edenred/edenred-link.service';
import type { EdenredOrderRefs } from '../../commands/edenred/edenred-order-refs';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import type { EdenredFailureClass } from '../../domain/payment-intent/payment-intent.events';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';
import { DomainError } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { Job } from '../../infrastructure/job-queue/job-queue';
import type { Logger } from '../../infrastructure/logging/logger';
import type { EdenredCaptureMetrics } from './edenred-capture-metrics';
import {
  EdenredError,
  type EdenredClient,
  type EdenredTransactionResult,
} from '../../integrations/edenred/edenred-port';

export interface EdenredCaptureJob {
  paymentIntentId: string;
}

/** Test seams where a crash is most interesting. Never set in production. */
export interface EdenredCaptureHooks {
  /** After the order_ref is recorded on the intent, before Edenred is called. */
  afterOrderRefAssigned?: (paymentIntentId: string) => void | Promise<void>;
}

export interface EdenredCaptureDeps {
  client: EdenredClient;
  links: EdenredLinkService;
  paymentIntents: PaymentIntentService;
  orderRefs: EdenredOrderRefs;
  clock: Clock;
  logger: Logger;
  hooks?: EdenredCaptureHooks;
  /** A capture still pending this long after it was requested is handed to an operator. */
  attentionAfterMs: number;
  metrics?: EdenredCaptureMetrics;
  /**
   * Tells the charge an intent paid for that its capture ended (the charge follows the intent's outcome).
   * A failure here loses nothing: the charge sweep finds the charge still capture_pending and asks again.
   */
  chargeCaptureEnded?: (chargeId: string, context: CommandContext) => Promise<unknown>;
}

type Pending = Extract<PaymentIntentState, { status: 'capture_pending' }>;

/**
 * Edenred refused the order_ref as repeated (it has processed a higher one: captures sent out of
 * allocation order) and its lookup holds nothing under it: the payment never happened with it.
 */
class OrderRefRefused extends Error {
  constructor(readonly orderRef: number) {
    super(`Edenred refused order_ref ${orderRef} as repeated and holds nothing under it`);
  }
}

/** The order_ref this capture sends, every time: taken from the counter and recorded before any call. */
const orderRefOf = async (deps: EdenredCaptureDeps, intent: Pending, context: CommandContext) => {
  if (intent.orderRef !== null) return intent.orderRef;
  const allocated = await deps.orderRefs.allocate(intent.paymentIntentId, context);
  const { state } = await deps.paymentIntents.assignEdenredOrderRef(
    intent.paymentIntentId,
    allocated,
    context,
  );
  // Another worker may have recorded its own first: the intent keeps one, and that one is sent.
  if (state.status !== 'capture_pending' || state.orderRef === null) {
    throw new Error(`the capture of ${intent.paymentIntentId} ended while its order_ref was taken`);
  }
  return state.orderRef;
};

/**
 * One capture call. When an earlier run may have reached Edenred with this order_ref (the order_ref was
 * already recorded when this run began), Edenred is asked first what it holds; an ambiguous answer
 * (duplicate, repeating request) is resolved the same way. A second order_ref is taken only when Edenred
 * refused the first as repeated and its lookup holds nothing under it.
 */
const captureOnce = async (
  deps: EdenredCaptureDeps,
  intent: Pending,
  orderRef: number,
  maybeSent: boolean,
  accessToken: string,
): Promise<EdenredTransactionResult> => {
  /** What Edenred holds under the order_ref; `unknown` when it offers no lookup (decision 0029). */
  const find = async (): Promise<EdenredTransactionResult | 'none' | 'unknown'> => {
    try {
      return (await deps.client.findTransaction({ accessToken, orderRef })) ?? 'none';
    } catch (error) {
      if (error instanceof EdenredError && error.code === 'TRANSACTION_LOOKUP_UNAVAILABLE') return 'unknown';
      throw error;
    }
  };
  if (maybeSent) {
    const found = await find();
    // Without a lookup, the resend itself asks: Edenred's duplicate check on order_ref answers.
    if (typeof found === 'object') return found;
  }
  try {
    return await deps.client.createTransaction({
      accessToken,
      amount: intent.amountRequested,
      orderRef,
      at: deps.clock.now(),
      paymentIntentId: intent.paymentIntentId,
    });
  } catch (error) {
    if (!(error instanceof EdenredError) || error.errorClass !== 'ambiguous') throw error;
    const found = await find();
    if (typeof found === 'object') return found;
    // Replaced only when Edenred says it holds nothing under it; unknown stays pending (an operator looks).
    if (error.code === 'REPEATING_REQUEST' && found === 'none') throw new OrderRefRefused(orderRef);
    throw new EdenredError(
      'retry_later',
      error.code,
      found === 'none'
        ? `Edenred answered ${error.code} but holds no order ${orderRef} yet`
        : `Edenred answered ${error.code} for order ${orderRef} and offers no lookup: left for an operator`,
    );
  }
};

/** A final failure to record, or undefined when the job should be retried (the error is rethrown). */
const finalFailure = (
  error: unknown,
): { errorClass: EdenredFailureClass; code: string; reason: string } | undefined => {
  if (error instanceof DomainError && error.code === 'edenred_login_required') {
    return {
      errorClass: 'reauthenticate',
      code: 'LOGIN_REQUIRED',
      reason: 'the Edenred user must log in again',
    };
  }
  if (!(error instanceof EdenredError)) return undefined;
  switch (error.errorClass) {
    case 'declined':
    case 'configuration':
    case 'reauthenticate':
      return { errorClass: error.errorClass, code: error.code, reason: error.message };
    default:
      return undefined;
  }
};

/**
 * A capture Edenred keeps refusing or not answering stays pending (a second charge is worse than a late
 * one), and is retried forever; past the bound an operator is told, once: an event, its webhook, a metric.
 */
const flagWhenOverdue = async (
  deps: EdenredCaptureDeps,
  state: Pending,
  error: unknown,
  context: CommandContext,
) => {
  if (state.attentionFlaggedAt !== null) return;
  if (deps.clock.now().getTime() - Date.parse(state.requestedAt) < deps.attentionAfterMs) return;
  const code = error instanceof EdenredError || error instanceof DomainError ? error.code : 'UNKNOWN';
  const reason = error instanceof EdenredError ? error.message : 'the capture could not be completed';
  const result = await deps.paymentIntents.flagEdenredCaptureForAttention(
    state.paymentIntentId,
    { code, reason },
    context,
  );
  if (result.appended.length === 0) return;
  deps.metrics?.flaggedForAttention();
  deps.logger.error('Edenred capture pending too long: an operator must look', {
    paymentIntentId: state.paymentIntentId,
    orderRef: state.orderRef,
    code,
  });
};

/** A fresh order_ref, above every one handed out, recorded as replacing the refused one. */
const replaceOrderRef = async (
  deps: EdenredCaptureDeps,
  paymentIntentId: string,
  refused: number,
  context: CommandContext,
) => {
  const fresh = await deps.orderRefs.allocate(paymentIntentId, context);
  await deps.paymentIntents.assignEdenredOrderRef(paymentIntentId, fresh, context, refused);
  deps.logger.warn('Edenred refused an order_ref as repeated and holds nothing under it: replaced', {
    paymentIntentId,
    refusedOrderRef: refused,
    orderRef: fresh,
  });
};

/** After the intent recorded its outcome: the charge it paid for follows; the charge sweep covers a failure. */
const tellTheCharge = async (
  deps: EdenredCaptureDeps,
  state: Pick<Pending, 'chargeId' | 'paymentIntentId'>,
  context: CommandContext,
) => {
  const { chargeId, paymentIntentId } = state;
  if (!chargeId || !deps.chargeCaptureEnded) return;
  await deps.chargeCaptureEnded(chargeId, context).catch((error: unknown) =>
    deps.logger.warn('could not record the capture outcome on the charge; the charge sweep will', {
      paymentIntentId,
      chargeId,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
};

export const edenredCaptureHandler =
  (deps: EdenredCaptureDeps) =>
  async (job: Job<EdenredCaptureJob>): Promise<void> => {
    const { paymentIntentId } = job.data;
    const context = systemContext(`job-${job.id}`);
    const { state } = await deps.paymentIntents.load(paymentIntentId);
    // A retry after a crash between the intent's record and the charge's: the charge is told now.
    if (state.status === 'captured' || state.status === 'capture_failed') {
      if (state.paymentMethodType === 'edenred') await tellTheCharge(deps, state, context);
      return;
    }
    if (state.status !== 'capture_pending' || state.edenredLinkId === null) return;
    const maybeSent = state.orderRef !== null;
    let orderRef = state.orderRef;
    let result: EdenredTransactionResult;
    try {
      // Inside: a capture whose order_ref cannot be taken (the counter keeps failing) must reach the flag too.
      orderRef = await orderRefOf(deps, state, context);
      await deps.hooks?.afterOrderRefAssigned?.(paymentIntentId);
      const sent = orderRef;
      result = await deps.links.withToken(state.edenredLinkId, context, ({ accessToken }) =>
        captureOnce(deps, state, sent, maybeSent, accessToken),
      );
    } catch (error) {
      if (error instanceof OrderRefRefused) {
        await replaceOrderRef(deps, paymentIntentId, error.orderRef, context);
        throw error; // the retry sends the new one
      }
      const failure = finalFailure(error);
      const code = error instanceof EdenredError || error instanceof DomainError ? error.code : undefined;
      if (!failure) {
        // The flag must not hide the failure it reports: the job is retried either way.
        await flagWhenOverdue(deps, state, error, context).catch((flagError: unknown) =>
          deps.logger.warn('could not flag the Edenred capture for an operator', {
            paymentIntentId,
            error: flagError instanceof Error ? flagError.message : String(flagError),
          }),
        );
        deps.logger.warn('Edenred capture will be retried', {
          paymentIntentId,
          orderRef,
          code,
          attempt: job.attempt,
        });
        throw error;
      }
      deps.logger.warn('Edenred capture failed', {
        paymentIntentId,
        orderRef,
        code: failure.code,
        errorClass: failure.errorClass,
      });
      await deps.paymentIntents.recordEdenredCaptureFailure(paymentIntentId, failure, context);
      await tellTheCharge(deps, state, context);
      return;
    }
    if (result.status !== 'captured') {
      // capture_mode auto should never leave it authorized; ask again later (the same order_ref, found first).
      throw new Error(`Edenred left order ${orderRef} ${result.status} (${result.code})`);
    }
    if (result.capturedAmount <= 0) {
      await deps.paymentIntents.recordEdenredCaptureFailure(
        paymentIntentId,
        { errorClass: 'declined', code: result.code, reason: 'Edenred captured nothing' },
        context,
      );
      await tellTheCharge(deps, state, context);
      return;
    }
    await deps.paymentIntents.recordEdenredCapture(
      paymentIntentId,
      {
        code: result.code,
        authorizationId: result.authorizationId,
        captureId: result.captureId,
        capturedAmount: result.capturedAmount,
      },
      context,
    );
    deps.logger.info('Edenred capture recorded', { paymentIntentId, orderRef, code: result.code });
    await tellTheCharge(deps, state, context);
  };
