import type { Currency } from '../shared/money';
import type { PaymentIntentEvent, PaymentMethod, PaymentMethodType } from './payment-intent.events';

interface Details {
  paymentIntentId: string;
  merchantId: string;
  terminalId: string | null;
  amount: number;
  currency: Currency;
  paymentMethodType: PaymentMethodType;
  /** The charge this intent pays for, once one took it. */
  chargeId: string | null;
  /** The Edenred wallet link that pays (edenred intents only). */
  edenredLinkId: string | null;
}

/** An asynchronous capture in flight: what was asked, and the order_ref once taken. */
interface PendingCapture {
  amountRequested: number;
  orderRef: number | null;
  requestedAt: string;
  /** When the capture was handed to an operator: pending too long, Edenred's answer still unknown. */
  attentionFlaggedAt: string | null;
}

interface Authorization {
  amountAuthorized: number;
  paymentMethod: PaymentMethod;
  expiresAt: string;
}

/** The lifecycle as a union: each status carries exactly what it has (see docs/decisions). */
export type PaymentIntentState =
  | { status: 'empty' }
  | ({ status: 'requires_authorization' } & Details)
  | ({ status: 'authorization_failed' } & Details)
  | ({ status: 'authorized' } & Details & Authorization)
  | ({ status: 'capture_pending' } & Details & Authorization & PendingCapture)
  | ({ status: 'captured'; amountCaptured: number } & Details & Authorization)
  | ({ status: 'capture_failed'; amountOwed: number; failureCode: string } & Details &
      Authorization &
      PendingCapture)
  | ({ status: 'voided' } & Details & Partial<Authorization>)
  | ({ status: 'expired' } & Details & Authorization);

export type PaymentIntentStatus = PaymentIntentState['status'];

export const initialPaymentIntentState = (): PaymentIntentState => ({ status: 'empty' });

const details = (state: PaymentIntentState): Details => {
  if (state.status === 'empty') throw new Error('payment intent event applied before creation');
  const { paymentIntentId, merchantId, terminalId, amount, currency, paymentMethodType, chargeId } = state;
  const { edenredLinkId } = state;
  return {
    paymentIntentId,
    merchantId,
    terminalId,
    amount,
    currency,
    paymentMethodType,
    chargeId,
    edenredLinkId,
  };
};

const authorization = (state: PaymentIntentState): Authorization => {
  if (state.status !== 'authorized' && state.status !== 'capture_pending') {
    throw new Error(`no authorization in status ${state.status}`);
  }
  const { amountAuthorized, paymentMethod, expiresAt } = state;
  return { amountAuthorized, paymentMethod, expiresAt };
};

/** The Edenred link an authorization names becomes the intent's, when it had none. */
const linkOf = (state: PaymentIntentState, method: PaymentMethod): { edenredLinkId: string | null } => ({
  edenredLinkId:
    state.status !== 'empty' && state.edenredLinkId === null && method.type === 'edenred'
      ? method.linkId
      : details(state).edenredLinkId,
});

export const evolvePaymentIntent = (
  state: PaymentIntentState,
  event: PaymentIntentEvent,
): PaymentIntentState => {
  switch (event.type) {
    case 'PaymentIntentCreated': {
      const { paymentIntentId, merchantId, terminalId, amount, currency, paymentMethodType } = event.data;
      return {
        status: 'requires_authorization',
        paymentIntentId,
        merchantId,
        terminalId,
        amount,
        currency,
        paymentMethodType,
        chargeId: null,
        edenredLinkId: event.data.edenredLinkId ?? null,
      };
    }
    case 'PaymentIntentAuthorized': {
      const { amountAuthorized, paymentMethod, expiresAt } = event.data;
      return {
        status: 'authorized',
        ...details(state),
        ...linkOf(state, paymentMethod),
        amountAuthorized,
        paymentMethod,
        expiresAt,
      };
    }
    case 'PaymentIntentAuthorizationFailed':
      return {
        status: 'authorization_failed',
        ...details(state),
        ...linkOf(state, event.data.paymentMethod),
      };
    case 'PaymentIntentCaptured':
      return {
        status: 'captured',
        ...details(state),
        ...authorization(state),
        amountCaptured: event.data.amountCaptured,
      };
    case 'PaymentIntentVoided':
      return {
        status: 'voided',
        ...details(state),
        ...(state.status === 'authorized' ? authorization(state) : {}),
      };
    case 'PaymentIntentCaptureRequested':
      return {
        status: 'capture_pending',
        ...details(state),
        ...authorization(state),
        amountRequested: event.data.amountRequested,
        orderRef: null,
        requestedAt: event.data.requestedAt,
        attentionFlaggedAt: null,
      };
    case 'PaymentIntentEdenredOrderRefAssigned':
      if (state.status !== 'capture_pending') throw new Error(`order_ref assigned in status ${state.status}`);
      return { ...state, orderRef: event.data.orderRef };
    case 'PaymentIntentCaptureNeedsAttention':
      if (state.status !== 'capture_pending') throw new Error(`capture flagged in status ${state.status}`);
      return { ...state, attentionFlaggedAt: event.data.flaggedAt };
    case 'PaymentIntentCaptureFailed': {
      if (state.status !== 'capture_pending') throw new Error(`capture failed in status ${state.status}`);
      const { amountOwed, code } = event.data;
      return { ...state, status: 'capture_failed', amountOwed, failureCode: code };
    }
    case 'PaymentIntentExpired':
      return { status: 'expired', ...details(state), ...authorization(state) };
    case 'PaymentIntentLinkedToCharge':
      return { ...state, ...details(state), chargeId: event.data.chargeId } as PaymentIntentState;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown payment intent event ${JSON.stringify(unreachable)}`);
    }
  }
};
