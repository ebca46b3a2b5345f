import type { CancelReason, DeliverySource } from './webhook-delivery.events';

interface CommandBase {
  now: string;
}

export interface ScheduleWebhookDelivery extends CommandBase {
  type: 'ScheduleWebhookDelivery';
  deliveryId: string;
  subscriptionId: string;
  merchantId: string;
  eventId: string;
  eventType: string;
  source: DeliverySource;
  /** The subscription was disabled when the event happened: recorded (and replayable), not sent. */
  held: boolean;
  /** The group job that will make the first attempt (decision 0039). */
  firstAttemptJobId?: string;
}

export interface RecordWebhookDeliveryAttempt extends CommandBase {
  type: 'RecordWebhookDeliveryAttempt';
  round: number;
  /** The attempt the caller made (1-based in the round): a duplicate of a recorded attempt is a no-op. */
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  succeeded: boolean;
  nextAttemptAt: string | null;
}

export interface CancelWebhookDelivery extends CommandBase {
  type: 'CancelWebhookDelivery';
  round: number;
  reason: CancelReason;
}

export interface ReplayWebhookDelivery extends CommandBase {
  type: 'ReplayWebhookDelivery';
}

export type WebhookDeliveryCommand =
  ScheduleWebhookDelivery | RecordWebhookDeliveryAttempt | CancelWebhookDelivery | ReplayWebhookDelivery;
