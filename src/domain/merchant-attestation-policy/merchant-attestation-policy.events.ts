import { z } from 'zod';
import { attestationPolicySchema } from '../attestation/attestation-policy';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

export const merchantAttestationPolicyEventSchemas = {
  MerchantAttestationPolicySet: z.object({
    merchantId: z.string(),
    /** When true, payment commands from the merchant's terminals need a valid attestation verdict. */
    requireAttestation: z.boolean(),
    /** What evidence must show to earn a trusted verdict. */
    policy: attestationPolicySchema,
    setAt: z.iso.datetime(),
  }),
} as const;

export type MerchantAttestationPolicyEvent = EventsOf<typeof merchantAttestationPolicyEventSchemas>;

export const merchantAttestationPolicyEventCodec = zodEventCodec(merchantAttestationPolicyEventSchemas);
