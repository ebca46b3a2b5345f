import {
  paymentIntentEventCodec,
  type PaymentIntentEvent,
  type PaymentMethod,
} from '../../domain/payment-intent/payment-intent.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import type {
  PaymentIntentDocument,
  PaymentIntentEdenredView,
  PaymentIntentPaymentMethodView,
} from './payment-intent.document';

const methodView = (method: PaymentMethod): PaymentIntentPaymentMethodView => {
  if (method.type === 'edenred') return { type: 'edenred' };
  const { type, ...cardPresent } = method;
  return { type, cardPresent };
};

const withEdenred = (
  doc: PaymentIntentDocument,
  change: Partial<PaymentIntentEdenredView>,
): PaymentIntentDocument['edenred'] => (doc.edenred ? { ...doc.edenred, ...change } : undefined);

/** An Edenred intent created without its link shows the link of its authorization. */
const edenredOnAuthorization = (doc: PaymentIntentDocument, method: PaymentMethod) =>
  method.type === 'edenred' && !doc.edenred
    ? {
        edenred: { linkId: method.linkId, orderRef: null, code: null, failureReason: null, amountOwed: 0 },
      }
    : {};

const apply = (
  doc: PaymentIntentDocument | null,
  event: PaymentIntentEvent,
): PaymentIntentDocument | null => {
  if (event.type === 'PaymentIntentCreated') {
    const { data } = event;
    return {
      _id: data.paymentIntentId,
      id: data.paymentIntentId,
      object: 'payment_intent',
      status: 'requires_authorization',
      amount: data.amount,
      currency: data.currency,
      amountAuthorized: 0,
      amountCaptured: 0,
      amountReleased: 0,
      paymentMethod: { type: data.paymentMethodType },
      lastAuthorizationError: null,
      terminalId: data.terminalId,
      merchantId: data.merchantId,
      chargeId: null,
      metadata: data.metadata,
      cancellationReason: null,
      createdAt: data.createdAt,
      updatedAt: data.createdAt,
      authorizedAt: null,
      capturedAt: null,
      voidedAt: null,
      expiresAt: null,
      ...(data.edenredLinkId
        ? {
            edenred: {
              linkId: data.edenredLinkId,
              orderRef: null,
              code: null,
              failureReason: null,
              amountOwed: 0,
            },
          }
        : {}),
      version: 0,
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'PaymentIntentAuthorized':
      return {
        ...doc,
        status: 'authorized',
        amountAuthorized: event.data.amountAuthorized,
        paymentMethod: methodView(event.data.paymentMethod),
        ...edenredOnAuthorization(doc, event.data.paymentMethod),
        lastAuthorizationError: null,
        authorizedAt: event.data.authorizedAt,
        expiresAt: event.data.expiresAt,
      };
    case 'PaymentIntentAuthorizationFailed':
      return {
        ...doc,
        status: 'authorization_failed',
        paymentMethod: methodView(event.data.paymentMethod),
        ...edenredOnAuthorization(doc, event.data.paymentMethod),
        lastAuthorizationError: { declineCode: event.data.declineCode, message: event.data.message },
      };
    case 'PaymentIntentCaptured':
      return {
        ...doc,
        status: 'captured',
        amountCaptured: event.data.amountCaptured,
        amountReleased: event.data.amountReleased,
        capturedAt: event.data.capturedAt,
        ...(event.data.edenred
          ? {
              edenred: withEdenred(doc, {
                orderRef: event.data.edenred.orderRef,
                code: event.data.edenred.code,
                amountOwed: event.data.edenred.amountOwed,
              }),
            }
          : {}),
      };
    case 'PaymentIntentCaptureRequested':
      return { ...doc, status: 'capture_pending' };
    case 'PaymentIntentEdenredOrderRefAssigned':
      return { ...doc, edenred: withEdenred(doc, { orderRef: event.data.orderRef }) };
    case 'PaymentIntentCaptureNeedsAttention':
      // Still capture_pending: the last answer that kept it so, for the operator who looks.
      return { ...doc, edenred: withEdenred(doc, { code: event.data.code }) };
    case 'PaymentIntentCaptureFailed':
      return {
        ...doc,
        status: 'capture_failed',
        edenred: withEdenred(doc, {
          code: event.data.code,
          failureReason: event.data.reason,
          amountOwed: event.data.amountOwed,
        }),
      };
    case 'PaymentIntentVoided':
      return {
        ...doc,
        status: 'voided',
        amountReleased: event.data.amountReleased,
        cancellationReason: event.data.reason,
        voidedAt: event.data.voidedAt,
      };
    case 'PaymentIntentExpired':
      return { ...doc, status: 'expired', amountReleased: event.data.amountReleased };
    case 'PaymentIntentLinkedToCharge':
      return { ...doc, chargeId: event.data.chargeId };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolvePaymentIntentDocument = (
  doc: PaymentIntentDocument | null,
  recorded: RecordedEvent,
): PaymentIntentDocument | null => {
  const next = apply(doc, paymentIntentEventCodec.decode(recorded));
  if (next === null) return null;
  // \`apply\` built \`next\` for this call (it never returns \`doc\` itself), so stamping it changes nothing
  // anyone else holds: one copy of the document per event instead of two.
  next.updatedAt = recorded.metadata.occurredAt;
  next.version = recorded.revision + 1;
  return next;
};

export const paymentIntentProjection: Projection<PaymentIntentDocument> = {
  name: 'payment_intents',
  collection: 'payment_intents',
  eventTypes: paymentIntentEventCodec.eventTypes,
  documentId: (event) => (event.data as { paymentIntentId?: string }).paymentIntentId ?? null,
  evolve: evolvePaymentIntentDocument,
  indexes: [
    { keys: { merchantId: 1, createdAt: -1 } },
    // The list's filters (GET /v1/payment-intents), each newest first.
    { keys: { merchantId: 1, terminalId: 1, createdAt: -1 } },
    { keys: { merchantId: 1, status: 1, createdAt: -1 } },
    { keys: { status: 1, expiresAt: 1 } },
  ],
};

/** Renders the resource straight from its stream, with the same pure function the projection uses. */
export const paymentIntentFromStream = (stream: readonly RecordedEvent[]): PaymentIntentDocument | null =>
  stream.reduce<PaymentIntentDocument | null>(evolvePaymentIntentDocument, null);
