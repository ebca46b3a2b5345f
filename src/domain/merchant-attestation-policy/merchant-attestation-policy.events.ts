import { z } from 'zod';
import { attestationPolicySchema } from '../attestation/attestation-policy';
import { zodEventCodec } from '../shared/event-codec';

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

type Schemas = typeof merchantAttestationPolicyEventSchemas;
export type MerchantAttestationPolicyEvent = {
  [Type in keyof Schemas]: { type: Type; data: z.infer<Schemas[Type]> };
}[keyof Schemas];

export const merchantAttestationPolicyEventCodec = zodEventCodec(merchantAttestationPolicyEventSchemas);
