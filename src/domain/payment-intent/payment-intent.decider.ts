import { conflict, invalid } from '../shared/domain-error';
import type { Decider } from '../shared/decider';
import type {
  AuthorizePaymentIntent,
  CapturePaymentIntent,
  CreatePaymentIntent,
  ExpirePaymentIntent,
  LinkPaymentIntentToCharge,
  PaymentIntentCommand,
  VoidPaymentIntent,
} from './payment-intent.commands';
import type { PaymentIntentEvent } from './payment-intent.events';
import {
  evolvePaymentIntent,
  initialPaymentIntentState,
  type PaymentIntentState,
} from './payment-intent.state';

import {
  assignOrderRef,
  flagForAttention,
  recordCapture,
  recordCaptureFailure,
} from './payment-intent.edenred';

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

const requireExisting = (state: PaymentIntentState) => {
  if (state.status === 'empty')
    throw conflict('payment_intent_not_created', 'the payment intent does not exist');
  return state;
};

const create = (command: CreatePaymentIntent, state: PaymentIntentState): PaymentIntentEvent[] => {
  if (state.status !== 'empty') throw conflict('payment_intent_exists', 'the payment intent already exists');
  if (command.paymentMethodType !== 'edenred' && command.edenredLinkId !== undefined) {
    throw invalid(
      'edenred_link_unexpected',
      'only an edenred payment intent takes an edenredLinkId',
      'edenredLinkId',
    );
  }
  return [
    {
      type: 'PaymentIntentCreated',
      data: {
        paymentIntentId: command.paymentIntentId,
        merchantId: command.merchantId,
        terminalId: command.terminalId,
        amount: command.amount,
        currency: command.currency,
        paymentMethodType: command.paymentMethodType,
        metadata: command.metadata,
        createdAt: command.now,
        ...(command.edenredLinkId ? { edenredLinkId: command.edenredLinkId } : {}),
      },
    },
  ];
};

const authorize = (command: AuthorizePaymentIntent, current: PaymentIntentState): PaymentIntentEvent[] => {
  const state = requireExisting(current);
  if (state.status !== 'requires_authorization' && state.status !== 'authorization_failed') {
    throw conflict(
      'payment_intent_unexpected_state',
      `cannot authorize a payment intent that is ${state.status}`,
    );
  }
  if (command.paymentMethod.type !== state.paymentMethodType) {
    throw invalid(
      'payment_method_mismatch',
      `this payment intent is paid by ${state.paymentMethodType}, not ${command.paymentMethod.type}`,
      'paymentMethod',
    );
  }
  // An Edenred intent created with its link is paid by that link only; one created without it (the link
  // was started bound to it) takes the link of its first authorization.
  if (
    command.paymentMethod.type === 'edenred' &&
    state.edenredLinkId !== null &&
    command.paymentMethod.linkId !== state.edenredLinkId
  ) {
    throw invalid(
      'edenred_link_mismatch',
      'this payment intent is paid by another Edenred link',
      'paymentMethod',
    );
  }
  if (command.amount > state.amount) {
    throw conflict(
      'amount_exceeds_intent',
      `cannot authorize ${command.amount}, the intent is for ${state.amount}`,
    );
  }
  if (command.decline) {
    return [
      {
        type: 'PaymentIntentAuthorizationFailed',
        data: {
          paymentIntentId: state.paymentIntentId,
          declineCode: command.decline.code,
          message: command.decline.message,
          paymentMethod: command.paymentMethod,
          failedAt: command.now,
        },
      },
    ];
  }
  return [
    {
      type: 'PaymentIntentAuthorized',
      data: {
        paymentIntentId: state.paymentIntentId,
        amountAuthorized: command.amount,
        paymentMethod: command.paymentMethod,
        authorizedAt: command.now,
        expiresAt: addMs(command.now, command.authorizationTtlMs),
      },
    },
  ];
};

/**
 * Once a charge took the intent, only that charge's settlement captures or voids it (true when the
 * command names it); a repeat of that settlement finds the work done and changes nothing.
 */
const chargeGate = (
  chargeId: string | undefined,
  state: Exclude<PaymentIntentState, { status: 'empty' }>,
  done: PaymentIntentState['status'],
): 'proceed' | 'already_done' => {
  if (chargeId === undefined) {
    if (state.chargeId !== null) {
      throw conflict(
        'payment_intent_linked_to_charge',
        `charge ${state.chargeId} settles this payment intent`,
      );
    }
    return 'proceed';
  }
  if (state.chargeId !== chargeId) {
    throw conflict('charge_mismatch', `this payment intent is not linked to charge ${chargeId}`);
  }
  return state.status === done ? 'already_done' : 'proceed';
};

const link = (command: LinkPaymentIntentToCharge, current: PaymentIntentState): PaymentIntentEvent[] => {
  const state = requireExisting(current);
  if (state.chargeId === command.chargeId) return [];
  if (state.chargeId !== null) {
    throw conflict('payment_intent_already_linked', `the payment intent pays for charge ${state.chargeId}`);
  }
  if (state.status !== 'authorized') {
    throw conflict('payment_intent_not_authorized', `the payment intent is ${state.status}, not authorized`);
  }
  if (Date.parse(command.now) >= Date.parse(state.expiresAt)) {
    throw conflict('authorization_expired', `the authorization expired at ${state.expiresAt}`);
  }
  if (command.currency !== state.currency) {
    throw conflict(
      'currency_mismatch',
      `the tariff is in ${command.currency}, the payment in ${state.currency}`,
    );
  }
  if (state.amountAuthorized < command.minimumAuthorized) {
    throw conflict(
      'preauthorization_insufficient',
      `the tariff needs ${command.minimumAuthorized} pre-authorized, only ${state.amountAuthorized} is`,
    );
  }
  return [
    {
      type: 'PaymentIntentLinkedToCharge',
      data: { paymentIntentId: state.paymentIntentId, chargeId: command.chargeId, linkedAt: command.now },
    },
  ];
};

/** Statuses an asynchronous capture passes through: a repeat of the charge's settlement finds it done. */
const ASYNC_CAPTURE_DONE: ReadonlySet<PaymentIntentState['status']> = new Set([
  'capture_pending',
  'captured',
  'capture_failed',
]);

const capture = (command: CapturePaymentIntent, current: PaymentIntentState): PaymentIntentEvent[] => {
  const state = requireExisting(current);
  const asynchronous = state.paymentMethodType === 'edenred';
  if (asynchronous && command.chargeId !== undefined && ASYNC_CAPTURE_DONE.has(state.status)) {
    chargeGate(command.chargeId, state, state.status);
    return [];
  }
  if (chargeGate(command.chargeId, state, 'captured') === 'already_done') return [];
  if (state.status !== 'authorized') {
    throw conflict(
      'payment_intent_unexpected_state',
      `cannot capture a payment intent that is ${state.status}`,
    );
  }
  if (Date.parse(command.now) >= Date.parse(state.expiresAt)) {
    throw conflict('authorization_expired', `the authorization expired at ${state.expiresAt}`);
  }
  const amount = command.amount ?? state.amountAuthorized;
  if (amount > state.amountAuthorized) {
    throw conflict(
      'amount_exceeds_authorized',
      `cannot capture ${amount}, only ${state.amountAuthorized} is authorized`,
    );
  }
  if (asynchronous) {
    return [
      {
        type: 'PaymentIntentCaptureRequested',
        data: {
          paymentIntentId: state.paymentIntentId,
          amountRequested: amount,
          requestedAt: command.now,
          ...(command.chargeId ? { chargeId: command.chargeId } : {}),
        },
      },
    ];
  }
  return [
    {
      type: 'PaymentIntentCaptured',
      data: {
        paymentIntentId: state.paymentIntentId,
        amountCaptured: amount,
        amountReleased: state.amountAuthorized - amount,
        capturedAt: command.now,
        ...(command.chargeId ? { chargeId: command.chargeId } : {}),
      },
    },
  ];
};

const voidIntent = (command: VoidPaymentIntent, current: PaymentIntentState): PaymentIntentEvent[] => {
  const state = requireExisting(current);
  if (chargeGate(command.chargeId, state, 'voided') === 'already_done') return [];
  if (
    state.status !== 'authorized' &&
    state.status !== 'requires_authorization' &&
    state.status !== 'authorization_failed'
  ) {
    throw conflict('payment_intent_unexpected_state', `cannot void a payment intent that is ${state.status}`);
  }
  return [
    {
      type: 'PaymentIntentVoided',
      data: {
        paymentIntentId: state.paymentIntentId,
        reason: command.reason,
        amountReleased: state.status === 'authorized' ? state.amountAuthorized : 0,
        voidedAt: command.now,
        ...(command.chargeId ? { chargeId: command.chargeId } : {}),
      },
    },
  ];
};

/** Sent by the expiry sweeper; a no-op unless the authorization is still open and past its time. */
const expire = (command: ExpirePaymentIntent, state: PaymentIntentState): PaymentIntentEvent[] => {
  if (state.status !== 'authorized' || Date.parse(command.now) < Date.parse(state.expiresAt)) return [];
  return [
    {
      type: 'PaymentIntentExpired',
      data: {
        paymentIntentId: state.paymentIntentId,
        amountReleased: state.amountAuthorized,
        expiredAt: command.now,
      },
    },
  ];
};

export const decidePaymentIntent = (
  command: PaymentIntentCommand,
  state: PaymentIntentState,
): PaymentIntentEvent[] => {
  switch (command.type) {
    case 'CreatePaymentIntent':
      return create(command, state);
    case 'AuthorizePaymentIntent':
      return authorize(command, state);
    case 'CapturePaymentIntent':
      return capture(command, state);
    case 'VoidPaymentIntent':
      return voidIntent(command, state);
    case 'ExpirePaymentIntent':
      return expire(command, state);
    case 'LinkPaymentIntentToCharge':
      return link(command, state);
    case 'AssignEdenredOrderRef':
      return assignOrderRef(command, state);
    case 'RecordEdenredCapture':
      return recordCapture(command, state);
    case 'FlagEdenredCaptureForAttention':
      return flagForAttention(command, state);
    case 'RecordEdenredCaptureFailure':
      return recordCaptureFailure(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown payment intent command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const paymentIntentDecider: Decider<PaymentIntentState, PaymentIntentCommand, PaymentIntentEvent> = {
  initialState: initialPaymentIntentState,
  decide: decidePaymentIntent,
  evolve: evolvePaymentIntent,
};

export const paymentIntentStreamName = (paymentIntentId: string): string =>
  `payment_intent-${paymentIntentId}`;
