import {
  webhookDeliveryEventCodec,
  type WebhookDeliveryEvent,
} from '../../domain/webhook-delivery/webhook-delivery.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import type { WebhookDeliveryDocument } from './webhook-delivery.document';

export const WEBHOOK_DELIVERIES = 'webhook_deliveries';

const apply = (
  doc: WebhookDeliveryDocument | null,
  event: WebhookDeliveryEvent,
): WebhookDeliveryDocument | null => {
  if (event.type === 'WebhookDeliveryScheduled') {
    const { data } = event;
    return {
      _id: data.deliveryId,
      id: data.deliveryId,
      object: 'webhook_delivery',
      subscriptionId: data.subscriptionId,
      merchantId: data.merchantId,
      eventId: data.eventId,
      eventType: data.eventType,
      status: 'pending',
      round: 0,
      attempts: [],
      nextAttemptAt: data.scheduledAt,
      canceledReason: null,
      createdAt: data.scheduledAt,
      updatedAt: data.scheduledAt,
      roundAttempts: 0,
      source: data.source,
      firstAttemptJobId: data.firstAttemptJobId ?? null,
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'WebhookDeliveryAttempted': {
      const { round, attempt, attemptedAt, statusCode, latencyMs, error, succeeded, nextAttemptAt } =
        event.data;
      return {
        ...doc,
        status: succeeded ? 'succeeded' : nextAttemptAt === null ? 'failed' : 'pending',
        attempts: [...doc.attempts, { round, attempt, attemptedAt, statusCode, latencyMs, error, succeeded }],
        nextAttemptAt: succeeded ? null : nextAttemptAt,
        roundAttempts: attempt,
      };
    }
    case 'WebhookDeliveryCanceled':
      return { ...doc, status: 'canceled', nextAttemptAt: null, canceledReason: event.data.reason };
    case 'WebhookDeliveryReplayRequested':
      return {
        ...doc,
        status: 'pending',
        round: event.data.round,
        roundAttempts: 0,
        nextAttemptAt: event.data.requestedAt,
        canceledReason: null,
      };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolveWebhookDeliveryDocument = (
  doc: WebhookDeliveryDocument | null,
  recorded: RecordedEvent,
): WebhookDeliveryDocument | null => {
  const next = apply(doc, webhookDeliveryEventCodec.decode(recorded));
  return next && { ...next, updatedAt: recorded.metadata.occurredAt };
};

export const webhookDeliveryProjection: Projection<WebhookDeliveryDocument> = {
  name: 'webhook_deliveries',
  collection: WEBHOOK_DELIVERIES,
  eventTypes: webhookDeliveryEventCodec.eventTypes,
  documentId: (event) => (event.data as { deliveryId?: string }).deliveryId ?? null,
  evolve: evolveWebhookDeliveryDocument,
  indexes: [{ keys: { subscriptionId: 1, createdAt: -1 } }, { keys: { status: 1, nextAttemptAt: 1 } }],
};
