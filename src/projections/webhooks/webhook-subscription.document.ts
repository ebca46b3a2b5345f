import type { DisabledReason } from '../../domain/webhook-subscription/webhook-subscription.events';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

/**
 * What the subscription asked for from a position on. The dispatcher matches an event with the entry in
 * force at the event's position, so dispatch gives the same answer whenever it runs (even far behind, or
 * replaying from zero after a restart).
 */
export interface RoutingEntry {
  fromPosition: string;
  eventTypes: string[];
  status: 'active' | 'disabled' | 'deactivated';
}

export interface DeliveryHealth {
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** The first failure since the last success (or since creation or reactivation); null when healthy. */
  failingSince: string | null;
}

export interface WebhookSubscriptionDocument extends StoredDocument {
  id: string;
  object: 'webhook_subscription';
  merchantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  status: 'active' | 'disabled' | 'deactivated';
  disabledReason: DisabledReason | null;
  disabledAt: string | null;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  deliveryHealth: DeliveryHealth;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Internal: never part of the API resource. */
  routing: RoutingEntry[];
}
