import type { PaymentIntentCommand } from '../../../src/domain/payment-intent/payment-intent.commands';
import type {
  PaymentIntentEvent,
  PaymentIntentEventOf,
} from '../../../src/domain/payment-intent/payment-intent.events';

export const T0 = '2026-01-15T10:00:00.000Z';
export const T1 = '2026-01-15T10:05:00.000Z';
export const T2 = '2026-01-15T10:45:00.000Z';
export const TTL_MS = 60 * 60 * 1000;
export const EXPIRES_AT = '2026-01-15T11:05:00.000Z';
export const AFTER_EXPIRY = '2026-01-15T11:05:00.000Z';

export const card = {
  type: 'card_present' as const,
  scheme: 'troy' as const,
  last4: '4242',
  authorizationCode: 'A1B2C3',
  rrn: '123456789012',
};

export const created = (amount = 10_000): PaymentIntentEventOf<'PaymentIntentCreated'> => ({
  type: 'PaymentIntentCreated',
  data: {
    paymentIntentId: 'pi_1',
    merchantId: 'mer_1',
    terminalId: 'trm_1',
    amount,
    currency: 'TRY',
    paymentMethodType: 'card_present',
    metadata: {},
    createdAt: T0,
  },
});

export const authorized = (amountAuthorized = 10_000): PaymentIntentEvent => ({
  type: 'PaymentIntentAuthorized',
  data: {
    paymentIntentId: 'pi_1',
    amountAuthorized,
    paymentMethod: card,
    authorizedAt: T1,
    expiresAt: EXPIRES_AT,
  },
});

export const captured = (amountCaptured: number, amountReleased: number, at = T2): PaymentIntentEvent => ({
  type: 'PaymentIntentCaptured',
  data: { paymentIntentId: 'pi_1', amountCaptured, amountReleased, capturedAt: at },
});

export const voided = (amountReleased: number, reason = 'requested_by_customer'): PaymentIntentEvent => ({
  type: 'PaymentIntentVoided',
  data: { paymentIntentId: 'pi_1', reason, amountReleased, voidedAt: T2 },
});

export const create = (amount = 10_000): PaymentIntentCommand => ({
  type: 'CreatePaymentIntent',
  now: T0,
  paymentIntentId: 'pi_1',
  merchantId: 'mer_1',
  terminalId: 'trm_1',
  amount,
  currency: 'TRY',
  paymentMethodType: 'card_present',
  metadata: {},
});

export const authorize = (
  amount = 10_000,
  decline?: { code: string; message: string },
): PaymentIntentCommand => ({
  type: 'AuthorizePaymentIntent',
  now: T1,
  amount,
  paymentMethod: card,
  authorizationTtlMs: TTL_MS,
  ...(decline ? { decline } : {}),
});

export const capture = (amount?: number, now = T2): PaymentIntentCommand => ({
  type: 'CapturePaymentIntent',
  now,
  ...(amount === undefined ? {} : { amount }),
});

export const voidIt = (reason = 'requested_by_customer'): PaymentIntentCommand => ({
  type: 'VoidPaymentIntent',
  now: T2,
  reason,
});

export const expire = (now: string): PaymentIntentCommand => ({ type: 'ExpirePaymentIntent', now });
