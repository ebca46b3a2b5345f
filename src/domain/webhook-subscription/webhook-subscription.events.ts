import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

/**
 * A signing secret encrypted with AES-256-GCM (see docs/decisions/0008-webhooks.md): the plain secret is
 * needed to sign, so it cannot be a hash, and it must never appear in a stream or a log.
 */
export const encryptedSecretSchema = z.object({
  alg: z.literal('A256GCM'),
  /** Names the encryption key (a digest prefix), so a wrong key fails clearly rather than as a bad tag. */
  keyId: z.string().regex(/^[0-9a-f]{8}$/),
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});
export type EncryptedSecret = z.infer<typeof encryptedSecretSchema>;

export const DISABLED_REASONS = ['endpoint_gone', 'failing', 'manual'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export const webhookSubscriptionEventSchemas = {
  WebhookSubscriptionCreated: z.object({
    subscriptionId: z.string(),
    merchantId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()).min(1),
    description: z.string().nullable(),
    secret: encryptedSecretSchema,
    createdAt: timestamp,
  }),
  WebhookSubscriptionUpdated: z.object({
    subscriptionId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()).min(1),
    description: z.string().nullable(),
    updatedAt: timestamp,
  }),
  WebhookSubscriptionSecretRotated: z.object({
    subscriptionId: z.string(),
    secret: encryptedSecretSchema,
    /** Until then deliveries carry a signature with the previous secret too. */
    previousSecretExpiresAt: timestamp,
    rotatedAt: timestamp,
  }),
  WebhookSubscriptionDisabled: z.object({
    subscriptionId: z.string(),
    reason: z.enum(DISABLED_REASONS),
    message: z.string(),
    disabledAt: timestamp,
  }),
  WebhookSubscriptionReactivated: z.object({
    subscriptionId: z.string(),
    reactivatedAt: timestamp,
  }),
  WebhookSubscriptionDeactivated: z.object({
    subscriptionId: z.string(),
    deactivatedAt: timestamp,
  }),
} as const;

export type WebhookSubscriptionEvent = EventsOf<typeof webhookSubscriptionEventSchemas>;
export type WebhookSubscriptionEventType = WebhookSubscriptionEvent['type'];
export type WebhookSubscriptionEventOf<Type extends WebhookSubscriptionEventType> = Extract<
  WebhookSubscriptionEvent,
  { type: Type }
>;

export const webhookSubscriptionEventCodec = zodEventCodec(webhookSubscriptionEventSchemas);
