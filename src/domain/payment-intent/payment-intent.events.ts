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

/** An Edenred wallet link; `spendableAmount` is what Edenred's estimate said could be spent at authorization. */
export const edenredMethodSchema = z.object({
  type: z.literal('edenred'),
  linkId: z.string(),
  spendableAmount: minorUnitsSchema,
});
export type EdenredPaymentMethod = z.infer<typeof edenredMethodSchema>;

export const paymentMethodSchema = z.discriminatedUnion('type', [cardPresentSchema, edenredMethodSchema]);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

const orderRefSchema = z.number().int().min(1).max(2_147_483_646);

const edenredCaptureSchema = z.object({
  orderRef: orderRefSchema,
  /** SUCCESS, PARTIAL_AUTH, ... */
  code: z.string(),
  authorizationId: z.string(),
  captureId: z.string().nullable(),
  /** Requested minus captured: the driver still owes it (a partial authorization). */
  amountOwed: minorUnitsSchema,
});

export const EDENRED_FAILURE_CLASSES = ['declined', 'configuration', 'reauthenticate'] as const;

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
    /** The Edenred wallet link that pays (paymentMethodType edenred only). */
    edenredLinkId: z.string().optional(),
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
    /** Present for an Edenred capture: what Edenred answered, and what it did not grant (owed). */
    edenred: edenredCaptureSchema.optional(),
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
  /** An asynchronous capture (Edenred) was asked for: the worker calls the provider, then records the outcome. */
  PaymentIntentCaptureRequested: z.object({
    paymentIntentId: z.string(),
    amountRequested: positiveMinorUnitsSchema,
    requestedAt: timestamp,
    chargeId: z.string().optional(),
  }),
  /** Taken from the order_ref counter before the first call to Edenred; every retry sends this one. */
  PaymentIntentEdenredOrderRefAssigned: z.object({
    paymentIntentId: z.string(),
    orderRef: orderRefSchema,
    assignedAt: timestamp,
    /** The order_ref it replaces: Edenred refused that one as repeated and holds nothing under it. */
    replacedOrderRef: orderRefSchema.optional(),
  }),
  /**
   * The asynchronous capture has been pending too long with Edenred's answer unknown (it keeps refusing or
   * timing out): an operator must look. Neither a success nor a failure; the worker keeps trying.
   */
  PaymentIntentCaptureNeedsAttention: z.object({
    paymentIntentId: z.string(),
    orderRef: orderRefSchema.nullable(),
    /** The last answer that kept it pending (Edenred's code, TIMEOUT, ...). */
    code: z.string(),
    reason: z.string(),
    pendingSince: timestamp,
    flaggedAt: timestamp,
    chargeId: z.string().optional(),
  }),
  /** A final failure of the asynchronous capture: nothing was taken, the whole amount is owed. */
  PaymentIntentCaptureFailed: z.object({
    paymentIntentId: z.string(),
    errorClass: z.enum(EDENRED_FAILURE_CLASSES),
    code: z.string(),
    reason: z.string(),
    amountOwed: positiveMinorUnitsSchema,
    orderRef: orderRefSchema.nullable(),
    failedAt: timestamp,
    chargeId: z.string().optional(),
  }),
  PaymentIntentExpired: z.object({
    paymentIntentId: z.string(),
    amountReleased: minorUnitsSchema,
    expiredAt: timestamp,
  }),
} as const;

export type EdenredFailureClass = (typeof EDENRED_FAILURE_CLASSES)[number];
export type EdenredCapture = z.infer<typeof edenredCaptureSchema>;
export const MAX_ORDER_REF = 2_147_483_646;

export type PaymentIntentEvent = EventsOf<typeof paymentIntentEventSchemas>;
export type PaymentIntentEventType = PaymentIntentEvent['type'];
export type PaymentIntentEventOf<Type extends PaymentIntentEventType> = Extract<
  PaymentIntentEvent,
  { type: Type }
>;

export const paymentIntentEventCodec = zodEventCodec(paymentIntentEventSchemas);
