import type { PaymentIntentDocument } from '../projections/payment-intents/payment-intent.document';
import { paymentIntentFromStream } from '../projections/payment-intents/payment-intent.projection';
import { historyMapping, resourceAsOfEvent, type PublicEventMapping } from './public-event';

/**
 * The payment intent as subscribers see it, field by field. The card's authorization code and RRN stay
 * out: they are for reconciliation through the API, not for every endpoint a merchant wires up.
 */
export const publicPaymentIntent = (doc: PaymentIntentDocument) => ({
  id: doc.id,
  object: doc.object,
  status: doc.status,
  amount: doc.amount,
  currency: doc.currency,
  amountAuthorized: doc.amountAuthorized,
  amountCaptured: doc.amountCaptured,
  amountReleased: doc.amountReleased,
  paymentMethod: {
    type: doc.paymentMethod.type,
    ...(doc.paymentMethod.cardPresent
      ? {
          cardPresent: {
            scheme: doc.paymentMethod.cardPresent.scheme,
            last4: doc.paymentMethod.cardPresent.last4,
          },
        }
      : {}),
  },
  lastAuthorizationError: doc.lastAuthorizationError,
  terminalId: doc.terminalId,
  chargeId: doc.chargeId,
  metadata: doc.metadata,
  cancellationReason: doc.cancellationReason,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  authorizedAt: doc.authorizedAt,
  capturedAt: doc.capturedAt,
  voidedAt: doc.voidedAt,
  expiresAt: doc.expiresAt,
  version: doc.version,
  // Edenred intents only: the capture's order_ref, Edenred's code or reason, and what is still owed.
  ...(doc.edenred
    ? {
        edenred: {
          linkId: doc.edenred.linkId,
          orderRef: doc.edenred.orderRef,
          code: doc.edenred.code,
          failureReason: doc.edenred.failureReason,
          amountOwed: doc.edenred.amountOwed,
        },
      }
    : {}),
});

const asOfEvent = resourceAsOfEvent(paymentIntentFromStream, publicPaymentIntent);
const mapping = (domainEventType: string, publicType: string, build = asOfEvent) =>
  historyMapping(domainEventType, publicType, build);

export const paymentIntentPublicEvents: readonly PublicEventMapping[] = [
  mapping('PaymentIntentCreated', 'payment_intent.created'),
  mapping('PaymentIntentAuthorized', 'payment_intent.authorized'),
  mapping('PaymentIntentAuthorizationFailed', 'payment_intent.authorization_failed'),
  mapping('PaymentIntentCaptured', 'payment_intent.captured'),
  mapping('PaymentIntentVoided', 'payment_intent.voided'),
  mapping('PaymentIntentExpired', 'payment_intent.expired'),
  mapping('PaymentIntentCaptureRequested', 'payment_intent.capture_pending'),
  mapping('PaymentIntentCaptureFailed', 'payment_intent.capture_failed'),
  mapping('PaymentIntentCaptureNeedsAttention', 'payment_intent.capture_needs_attention'),
];
