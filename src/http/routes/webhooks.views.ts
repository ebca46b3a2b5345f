import type { WebhookDeliveryDocument } from '../../projections/webhooks/webhook-delivery.document';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';

/** The subscription as the API shows it: field by field, so routing and storage fields never leak. */
export const subscriptionView = (doc: WebhookSubscriptionDocument) => ({
  id: doc.id,
  object: doc.object,
  url: doc.url,
  eventTypes: doc.eventTypes,
  description: doc.description,
  status: doc.status,
  disabledReason: doc.disabledReason,
  disabledAt: doc.disabledAt,
  secretRotatedAt: doc.secretRotatedAt,
  previousSecretExpiresAt: doc.previousSecretExpiresAt,
  deliveryHealth: doc.deliveryHealth,
  merchantId: doc.merchantId,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  version: doc.version,
});

export const deliveryView = (doc: WebhookDeliveryDocument) => ({
  id: doc.id,
  object: doc.object,
  subscriptionId: doc.subscriptionId,
  eventId: doc.eventId,
  eventType: doc.eventType,
  status: doc.status,
  round: doc.round,
  attemptCount: doc.attempts.length,
  attempts: doc.attempts,
  nextAttemptAt: doc.nextAttemptAt,
  canceledReason: doc.canceledReason,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});
