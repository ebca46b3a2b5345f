import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

export const apiKeyEventSchemas = {
  ApiKeyIssued: z.object({
    apiKeyId: z.string(),
    name: z.string(),
    merchantId: z.string(),
    terminalId: z.string().nullable(),
    scopes: z.array(z.string()),
    /** Public lookup part of the key; the secret itself is never stored. */
    prefix: z.string(),
    /** SHA-256 of the whole key. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    issuedAt: timestamp,
  }),
  ApiKeyRevoked: z.object({
    apiKeyId: z.string(),
    reason: z.string(),
    revokedAt: timestamp,
  }),
} as const;

export const apiKeyEventCodec = zodEventCodec(apiKeyEventSchemas);

export type ApiKeyEvent = EventsOf<typeof apiKeyEventSchemas>;
