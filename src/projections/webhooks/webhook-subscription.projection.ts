import { webhookDeliveryEventCodec } from '../../domain/webhook-delivery/webhook-delivery.events';
import {
  webhookSubscriptionEventCodec,
  type WebhookSubscriptionEvent,
} from '../../domain/webhook-subscription/webhook-subscription.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import type { RoutingEntry, WebhookSubscriptionDocument } from './webhook-subscription.document';

export const WEBHOOK_SUBSCRIPTIONS = 'webhook_subscriptions';

const route = (
  doc: WebhookSubscriptionDocument,
  recorded: RecordedEvent,
  change: Partial<Omit<RoutingEntry, 'fromPosition'>>,
): RoutingEntry[] => {
  const current = doc.routing.at(-1);
  const next: RoutingEntry = {
    fromPosition: recorded.position.toString(),
    eventTypes: change.eventTypes ?? current?.eventTypes ?? doc.eventTypes,
    status: change.status ?? current?.status ?? doc.status,
  };
  return [...doc.routing, next];
};

const apply = (
  doc: WebhookSubscriptionDocument | null,
  event: WebhookSubscriptionEvent,
  recorded: RecordedEvent,
): WebhookSubscriptionDocument | null => {
  if (event.type === 'WebhookSubscriptionCreated') {
    const { data } = event;
    return {
      _id: data.subscriptionId,
      id: data.subscriptionId,
      object: 'webhook_subscription',
      merchantId: data.merchantId,
      url: data.url,
      eventTypes: data.eventTypes,
      description: data.description,
      status: 'active',
      disabledReason: null,
      disabledAt: null,
      secretRotatedAt: null,
      previousSecretExpiresAt: null,
      deliveryHealth: { lastAttemptAt: null, lastSuccessAt: null, failingSince: null },
      createdAt: data.createdAt,
      updatedAt: data.createdAt,
      version: 0,
      routing: [
        { fromPosition: recorded.position.toString(), eventTypes: data.eventTypes, status: 'active' },
      ],
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'WebhookSubscriptionUpdated': {
      const { url, eventTypes, description } = event.data;
      return { ...doc, url, eventTypes, description, routing: route(doc, recorded, { eventTypes }) };
    }
    case 'WebhookSubscriptionSecretRotated':
      return {
        ...doc,
        secretRotatedAt: event.data.rotatedAt,
        previousSecretExpiresAt: event.data.previousSecretExpiresAt,
      };
    case 'WebhookSubscriptionDisabled':
      return {
        ...doc,
        status: 'disabled',
        disabledReason: event.data.reason,
        disabledAt: event.data.disabledAt,
        routing: route(doc, recorded, { status: 'disabled' }),
      };
    case 'WebhookSubscriptionReactivated':
      return {
        ...doc,
        status: 'active',
        disabledReason: null,
        disabledAt: null,
        deliveryHealth: { ...doc.deliveryHealth, failingSince: null },
        routing: route(doc, recorded, { status: 'active' }),
      };
    case 'WebhookSubscriptionDeactivated':
      return { ...doc, status: 'deactivated', routing: route(doc, recorded, { status: 'deactivated' }) };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

/** Delivery outcomes feed the subscription's health, which decides when a failing endpoint is disabled. */
const applyAttempt = (
  doc: WebhookSubscriptionDocument | null,
  recorded: RecordedEvent,
): WebhookSubscriptionDocument | null => {
  const event = webhookDeliveryEventCodec.decode(recorded);
  if (!doc || event.type !== 'WebhookDeliveryAttempted') return doc;
  const { attemptedAt, succeeded } = event.data;
  const health = doc.deliveryHealth;
  return {
    ...doc,
    deliveryHealth: succeeded
      ? { lastAttemptAt: attemptedAt, lastSuccessAt: attemptedAt, failingSince: null }
      : { ...health, lastAttemptAt: attemptedAt, failingSince: health.failingSince ?? attemptedAt },
  };
};

export const evolveWebhookSubscriptionDocument = (
  doc: WebhookSubscriptionDocument | null,
  recorded: RecordedEvent,
): WebhookSubscriptionDocument | null => {
  if (recorded.type === 'WebhookDeliveryAttempted') return applyAttempt(doc, recorded);
  const next = apply(doc, webhookSubscriptionEventCodec.decode(recorded), recorded);
  return next && { ...next, updatedAt: recorded.metadata.occurredAt, version: recorded.revision + 1 };
};

export const webhookSubscriptionProjection: Projection<WebhookSubscriptionDocument> = {
  name: 'webhook_subscriptions',
  collection: WEBHOOK_SUBSCRIPTIONS,
  eventTypes: [...webhookSubscriptionEventCodec.eventTypes, 'WebhookDeliveryAttempted'],
  documentId: (event) => (event.data as { subscriptionId?: string }).subscriptionId ?? null,
  evolve: evolveWebhookSubscriptionDocument,
  indexes: [{ keys: { merchantId: 1, createdAt: -1 } }],
};

/** Renders the subscription from its stream with the projection's own function (no delivery health). */
export const webhookSubscriptionFromStream = (
  stream: readonly RecordedEvent[],
): WebhookSubscriptionDocument | null =>
  stream.reduce<WebhookSubscriptionDocument | null>(evolveWebhookSubscriptionDocument, null);
