import { webhookSubscriptionEventCodec } from '../domain/webhook-subscription/webhook-subscription.events';
import { webhookTestEventCodec } from '../domain/webhook-subscription/webhook-test';
import type { RecordedEvent } from '../infrastructure/event-store/event-store';
import type { PublicEventMapping } from './public-event';

const creationOf = (history: readonly RecordedEvent[]) => {
  const created = history.find((event) => event.type === 'WebhookSubscriptionCreated');
  if (!created) return null;
  const parsed = webhookSubscriptionEventCodec.parse(created);
  return parsed.type === 'WebhookSubscriptionCreated' ? parsed.data : null;
};

/** Operational events about subscriptions themselves. */
export const webhookPublicEvents: readonly PublicEventMapping[] = [
  {
    domainEventType: 'WebhookSubscriptionDisabled',
    publicType: 'webhook_subscription.disabled',
    version: 1,
    needsHistory: true,
    build: ({ event, history }) => {
      const parsed = webhookSubscriptionEventCodec.parse(event);
      const created = creationOf(history);
      if (parsed.type !== 'WebhookSubscriptionDisabled' || !created) return null;
      return {
        merchantId: created.merchantId,
        data: {
          id: parsed.data.subscriptionId,
          object: 'webhook_subscription',
          status: 'disabled',
          disabledReason: parsed.data.reason,
          message: parsed.data.message,
          disabledAt: parsed.data.disabledAt,
        },
      };
    },
  },
  {
    domainEventType: 'WebhookTestRequested',
    publicType: 'webhook_subscription.test',
    version: 1,
    needsHistory: false,
    targeted: true,
    build: ({ event }) => {
      const { data } = webhookTestEventCodec.parse(event);
      return {
        merchantId: data.merchantId,
        onlySubscriptionId: data.subscriptionId,
        data: {
          id: data.testId,
          object: 'webhook_test',
          subscriptionId: data.subscriptionId,
          message: 'A test event from EdgePay: your endpoint and signature check work.',
          requestedAt: data.requestedAt,
        },
      };
    },
  },
];
