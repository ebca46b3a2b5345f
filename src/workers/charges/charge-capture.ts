import type { ChargeService } from '../../commands/charges/charge.service';
import type { CommandContext } from '../../commands/command-context';
import type { PaymentIntentService } from '../../commands/payment-intents/payment-intent.service';
import type { CaptureSettlementOutcome } from '../../domain/charge-session/charge-session.events';
import type { PaymentIntentState } from '../../domain/payment-intent/payment-intent.state';

export interface CaptureEnded {
  outcome: CaptureSettlementOutcome;
  amountCaptured: number;
  failureCode: string | null;
}

/** How the intent's asynchronous capture ended, or undefined while it is still pending (or never was). */
export const captureEndedOf = (intent: PaymentIntentState): CaptureEnded | undefined => {
  switch (intent.status) {
    case 'captured':
      return { outcome: 'captured', amountCaptured: intent.amountCaptured, failureCode: null };
    case 'capture_failed':
      return { outcome: 'failed', amountCaptured: 0, failureCode: intent.failureCode };
    default:
      return undefined;
  }
};

export interface FollowCaptureDeps {
  charges: Pick<ChargeService, 'load' | 'recordCaptureOutcome'>;
  paymentIntents: Pick<PaymentIntentService, 'load'>;
}

/**
 * Brings a charge whose settlement is `capture_pending` to the end of its intent's capture, read from the
 * intent's stream (never a read model, which may lag). Safe to call any number of times, from the capture
 * worker right after it recorded the outcome and from the charge sweep: the charge's decider records it once.
 */
export const followChargeCapture = async (
  deps: FollowCaptureDeps,
  chargeId: string,
  context: CommandContext,
): Promise<boolean> => {
  const charge = await deps.charges.load(chargeId);
  if (charge.status !== 'completed' || charge.settlement?.outcome !== 'capture_pending') return false;
  const { state: intent } = await deps.paymentIntents.load(charge.paymentIntentId);
  const ended = captureEndedOf(intent);
  if (!ended) return false;
  const result = await deps.charges.recordCaptureOutcome(chargeId, ended, context);
  return result.appended.length > 0;
};
