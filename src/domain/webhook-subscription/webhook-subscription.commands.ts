import type { DisabledReason, EncryptedSecret } from './webhook-subscription.events';

interface CommandBase {
  now: string;
}

export interface CreateWebhookSubscription extends CommandBase {
  type: 'CreateWebhookSubscription';
  subscriptionId: string;
  merchantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  secret: EncryptedSecret;
}

/** Only the fields given change; `status` pauses (disabled) or resumes (active) deliveries. */
export interface UpdateWebhookSubscription extends CommandBase {
  type: 'UpdateWebhookSubscription';
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  status?: 'active' | 'disabled';
}

export interface RotateWebhookSubscriptionSecret extends CommandBase {
  type: 'RotateWebhookSubscriptionSecret';
  secret: EncryptedSecret;
  gracePeriodMs: number;
}

/** Sent by the delivery worker: the endpoint answered 410, or has failed for too long. */
export interface DisableWebhookSubscription extends CommandBase {
  type: 'DisableWebhookSubscription';
  reason: Exclude<DisabledReason, 'manual'>;
  message: string;
}

export interface DeactivateWebhookSubscription extends CommandBase {
  type: 'DeactivateWebhookSubscription';
}

export type WebhookSubscriptionCommand =
  | CreateWebhookSubscription
  | UpdateWebhookSubscription
  | RotateWebhookSubscriptionSecret
  | DisableWebhookSubscription
  | DeactivateWebhookSubscription;
