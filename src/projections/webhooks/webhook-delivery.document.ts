import type { CancelReason, DeliverySource } from '../../domain/webhook-delivery/webhook-delivery.events';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export interface WebhookDeliveryAttemptView {
  round: number;
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  succeeded: boolean;
}

export interface WebhookDeliveryDocument extends StoredDocument {
  /** Also the webhook-id header: the same on every attempt and every replay. */
  id: string;
  object: 'webhook_delivery';
  subscriptionId: string;
  merchantId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  round: number;
  attempts: WebhookDeliveryAttemptView[];
  nextAttemptAt: string | null;
  canceledReason: CancelReason | null;
  createdAt: string;
  updatedAt: string;
  /** Internal: what the reconciler needs to queue the delivery again. */
  roundAttempts: number;
  source: DeliverySource;
  /** Internal: the group job that makes the first attempt (decision 0039); null before groups. */
  firstAttemptJobId: string | null;
}
