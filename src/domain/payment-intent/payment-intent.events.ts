import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';
import { currencySchema, minorUnitsSchema, positiveMinorUnitsSchema } from '../shared/money';

export const CARD_SCHEMES = ['visa', 'mastercard', 'troy', 'amex'] as const;
export const PAYMENT_METHOD_TYPES = ['card_present', 'edenred'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

const timestamp = z.iso.datetime();

export const cardPresentSchema = z.object({
  type: z.literal('card_present'),
  scheme: z.enum(CARD_SCHEMES),
  last4: z.string().regex(/^\d{4}$/),
  authorizationCode: z.string().regex(/^[A-Za-z0-9]{1,12}$/),
  rrn: z.string().regex(/^[A-Za-z0-9]{12}$/),
});
export type CardPresentPaymentMethod = z.infer<typeof cardPresentSchema>;

/** A union so that further methods (Edenred) slot in as new members. */
export const paymentMethodSchema = z.discriminatedUnion('type', [cardPresentSchema]);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

export const paymentIntentEventSchemas = {
  PaymentIntentCreated: z.object({
    paymentIntentId: z.string(),
    merchantId: z.string(),
    terminalId: z.string().nullable(),
    amount: positiveMinorUnitsSchema,
    currency: currencySchema,
    paymentMethodType: z.enum(PAYMENT_METHOD_TYPES),
    metadata: z.record(z.string(), z.string()),
    createdAt: timestamp,
  }),
  PaymentIntentAuthorized: z.object({
    paymentIntentId: z.string(),
    amountAuthorized: positiveMinorUnitsSchema,
    paymentMethod: paymentMethodSchema,
    authorizedAt: timestamp,
    expiresAt: timestamp,
  }),
  PaymentIntentAuthorizationFailed: z.object({
    paymentIntentId: z.string(),
    declineCode: z.string(),
    message: z.string(),
    paymentMethod: paymentMethodSchema,
    failedAt: timestamp,
  }),
  PaymentIntentCaptured: z.object({
    paymentIntentId: z.string(),
    amountCaptured: positiveMinorUnitsSchema,
    amountReleased: minorUnitsSchema,
    capturedAt: timestamp,
    /** Present when a charge's settlement captured it. */
    chargeId: z.string().optional(),
  }),
  PaymentIntentVoided: z.object({
    paymentIntentId: z.string(),
    reason: z.string(),
    amountReleased: minorUnitsSchema,
    voidedAt: timestamp,
    /** Present when a charge's settlement voided it. */
    chargeId: z.string().optional(),
  }),
  /** An ad-hoc charge took this authorization; from now on only that charge captures or voids it. */
  PaymentIntentLinkedToCharge: z.object({
    paymentIntentId: z.string(),
    chargeId: z.string(),
    linkedAt: timestamp,
  }),
  PaymentIntentExpired: z.object({
    paymentIntentId: z.string(),
    amountReleased: minorUnitsSchema,
    expiredAt: timestamp,
  }),
} as const;

export type PaymentIntentEvent = EventsOf<typeof paymentIntentEventSchemas>;
export type PaymentIntentEventType = PaymentIntentEvent['type'];
export type PaymentIntentEventOf<Type extends PaymentIntentEventType> = Extract<
  PaymentIntentEvent,
  { type: Type }
>;

export const paymentIntentEventCodec = zodEventCodec(paymentIntentEventSchemas);
