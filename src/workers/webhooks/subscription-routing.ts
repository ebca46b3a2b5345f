import { matchesAny } from '../../domain/webhook-subscription/event-type-pattern';
import type { GlobalPosition } from '../../infrastructure/event-store/event-store';
import type { PublicEvent } from '../../public-events/public-event';
import type {
  RoutingEntry,
  WebhookSubscriptionDocument,
} from '../../projections/webhooks/webhook-subscription.document';

/** The routing entry in force when the event at `position` happened; undefined before the subscription. */
export const routeAt = (
  routing: readonly RoutingEntry[],
  position: GlobalPosition,
): RoutingEntry | undefined => {
  let current: RoutingEntry | undefined;
  for (const entry of routing) {
    if (BigInt(entry.fromPosition) >= position) break;
    current = entry;
  }
  return current;
};

export interface RoutedSubscription {
  subscriptionId: string;
  /** Disabled at the time: the delivery is recorded (so a replay can send it) but not attempted. */
  held: boolean;
}

/** Which of the merchant's subscriptions receive the event, as they were when it happened. */
export const routeEvent = (
  subscriptions: readonly WebhookSubscriptionDocument[],
  event: PublicEvent,
  position: GlobalPosition,
): RoutedSubscription[] =>
  subscriptions.flatMap((subscription) => {
    if (subscription.merchantId !== event.merchantId) return [];
    const route = routeAt(subscription.routing, position);
    if (!route || route.status === 'deactivated') return [];
    const wanted =
      event.onlySubscriptionId === undefined
        ? matchesAny(route.eventTypes, event.type)
        : event.onlySubscriptionId === subscription.id;
    return wanted ? [{ subscriptionId: subscription.id, held: route.status === 'disabled' }] : [];
  });
