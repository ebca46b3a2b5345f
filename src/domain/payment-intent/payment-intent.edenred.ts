import { conflict } from '../shared/domain-error';
import type {
  AssignEdenredOrderRef,
  FlagEdenredCaptureForAttention,
  RecordEdenredCapture,
  RecordEdenredCaptureFailure,
} from './payment-intent.commands';
import type { PaymentIntentEvent } from './payment-intent.events';
import type { PaymentIntentState } from './payment-intent.state';

/**
 * The asynchronous capture of an Edenred intent: `capture_pending` until the worker records what Edenred
 * answered. Each step is a no-op when already done, because the worker runs at least once.
 */
type Pending = Extract<PaymentIntentState, { status: 'capture_pending' }>;

const pendingCapture = (state: PaymentIntentState, action: string): Pending => {
  if (state.status !== 'capture_pending') {
    throw conflict(
      'payment_intent_unexpected_state',
      `cannot ${action} a payment intent that is ${state.status}`,
    );
  }
  return state;
};

export const assignOrderRef = (
  command: AssignEdenredOrderRef,
  current: PaymentIntentState,
): PaymentIntentEvent[] => {
  const state = pendingCapture(current, 'assign an order_ref to');
  const replacing = command.replacing;
  // A repeat, or a replacement another worker already made: the intent keeps the one it has.
  if (replacing === undefined ? state.orderRef !== null : state.orderRef !== replacing) return [];
  if (replacing !== undefined && command.orderRef <= replacing) {
    throw conflict('order_ref_not_increasing', `order_ref ${command.orderRef} does not follow ${replacing}`);
  }
  return [
    {
      type: 'PaymentIntentEdenredOrderRefAssigned',
      data: {
        paymentIntentId: state.paymentIntentId,
        orderRef: command.orderRef,
        assignedAt: command.now,
        ...(replacing === undefined ? {} : { replacedOrderRef: replacing }),
      },
    },
  ];
};

const withOrderRef = (state: Pending): number => {
  if (state.orderRef === null) {
    throw conflict(
      'order_ref_missing',
      'no order_ref was assigned: Edenred was never called for this capture',
    );
  }
  return state.orderRef;
};

export const recordCapture = (
  command: RecordEdenredCapture,
  current: PaymentIntentState,
): PaymentIntentEvent[] => {
  if (current.status === 'captured') return [];
  const state = pendingCapture(current, 'record a capture on');
  const orderRef = withOrderRef(state);
  if (command.capturedAmount <= 0 || command.capturedAmount > state.amountRequested) {
    throw conflict(
      'capture_amount_out_of_range',
      `Edenred captured ${command.capturedAmount}, ${state.amountRequested} was requested`,
    );
  }
  return [
    {
      type: 'PaymentIntentCaptured',
      data: {
        paymentIntentId: state.paymentIntentId,
        amountCaptured: command.capturedAmount,
        amountReleased: state.amountAuthorized - state.amountRequested,
        capturedAt: command.now,
        ...(state.chargeId ? { chargeId: state.chargeId } : {}),
        edenred: {
          orderRef,
          code: command.code,
          authorizationId: command.authorizationId,
          captureId: command.captureId,
          amountOwed: state.amountRequested - command.capturedAmount,
        },
      },
    },
  ];
};

export const flagForAttention = (
  command: FlagEdenredCaptureForAttention,
  current: PaymentIntentState,
): PaymentIntentEvent[] => {
  // Settled meanwhile, or already flagged: nothing for an operator (any more).
  if (current.status !== 'capture_pending' || current.attentionFlaggedAt !== null) return [];
  return [
    {
      type: 'PaymentIntentCaptureNeedsAttention',
      data: {
        paymentIntentId: current.paymentIntentId,
        orderRef: current.orderRef,
        code: command.code,
        reason: command.reason,
        pendingSince: current.requestedAt,
        flaggedAt: command.now,
        ...(current.chargeId ? { chargeId: current.chargeId } : {}),
      },
    },
  ];
};

export const recordCaptureFailure = (
  command: RecordEdenredCaptureFailure,
  current: PaymentIntentState,
): PaymentIntentEvent[] => {
  if (current.status === 'capture_failed') return [];
  const state = pendingCapture(current, 'record a capture failure on');
  return [
    {
      type: 'PaymentIntentCaptureFailed',
      data: {
        paymentIntentId: state.paymentIntentId,
        errorClass: command.errorClass,
        code: command.code,
        reason: command.reason,
        amountOwed: state.amountRequested,
        orderRef: state.orderRef,
        failedAt: command.now,
        ...(state.chargeId ? { chargeId: state.chargeId } : {}),
      },
    },
  ];
};
