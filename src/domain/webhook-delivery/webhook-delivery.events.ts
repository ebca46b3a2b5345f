import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

export const CANCEL_REASONS = ['subscription_disabled', 'subscription_deactivated'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Where the public event came from: enough to build its payload again for a replay. */
export const deliverySourceSchema = z.object({
  eventId: z.string(),
  streamName: z.string(),
  revision: z.number().int().nonnegative(),
  /** A decimal string: global positions are bigints. */
  position: z.string().regex(/^\d+$/),
});
export type DeliverySource = z.infer<typeof deliverySourceSchema>;

export const webhookDeliveryEventSchemas = {
  WebhookDeliveryScheduled: z.object({
    deliveryId: z.string(),
    subscriptionId: z.string(),
    merchantId: z.string(),
    /** The public event's id (`evt_...`), the same for every subscription that receives it. */
    eventId: z.string(),
    eventType: z.string(),
    source: deliverySourceSchema,
    scheduledAt: timestamp,
    /**
     * The queue job that makes the first attempt, when it is a group's (decision 0039): the reconciler
     * queues this id again, so a group still queued is not doubled. Absent before groups, and for a
     * delivery scheduled held.
     */
    firstAttemptJobId: z.string().optional(),
  }),
  WebhookDeliveryAttempted: z.object({
    deliveryId: z.string(),
    subscriptionId: z.string(),
    /** 0 for the first delivery, then one more for each replay. */
    round: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    attemptedAt: timestamp,
    statusCode: z.number().int().min(100).max(599).nullable(),
    latencyMs: z.number().int().nonnegative(),
    error: z.string().nullable(),
    succeeded: z.boolean(),
    /** When the next attempt is due; null when this was the last one of the round. */
    nextAttemptAt: timestamp.nullable(),
  }),
  WebhookDeliveryCanceled: z.object({
    deliveryId: z.string(),
    subscriptionId: z.string(),
    round: z.number().int().nonnegative(),
    reason: z.enum(CANCEL_REASONS),
    canceledAt: timestamp,
  }),
  WebhookDeliveryReplayRequested: z.object({
    deliveryId: z.string(),
    subscriptionId: z.string(),
    round: z.number().int().positive(),
    requestedAt: timestamp,
  }),
} as const;

export type WebhookDeliveryEvent = EventsOf<typeof webhookDeliveryEventSchemas>;
export type WebhookDeliveryEventType = WebhookDeliveryEvent['type'];
export type WebhookDeliveryEventOf<Type extends WebhookDeliveryEventType> = Extract<
  WebhookDeliveryEvent,
  { type: Type }
>;

export const webhookDeliveryEventCodec = zodEventCodec(webhookDeliveryEventSchemas);
