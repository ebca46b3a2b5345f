import { z } from 'zod';

const head = z.object({ streamName: z.string(), revision: z.number().int(), hash: z.string() });

/** The audit's own events: they live in the `audit` category and are chained like every other. */
export const auditEventSchemas = {
  AuditCheckpointSigned: z.object({
    algorithm: z.literal('Ed25519'),
    keyId: z.string(),
    developmentKey: z.boolean(),
    signedAt: z.iso.datetime(),
    position: z.string(),
    eventCount: z.number().int(),
    streamCount: z.number().int(),
    heads: z.array(head),
    signature: z.string(),
  }),
  LegacyStreamsAnchored: z.object({
    anchoredAt: z.iso.datetime(),
    heads: z.array(head),
  }),
};
