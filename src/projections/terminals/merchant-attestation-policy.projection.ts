import type { AttestationPolicy } from '../../domain/attestation/attestation-policy';
import { merchantAttestationPolicyEventCodec } from '../../domain/merchant-attestation-policy/merchant-attestation-policy.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** A merchant's attestation policy; merchants without a document have the default. */
export interface MerchantAttestationPolicyDocument extends StoredDocument {
  object: 'attestation_policy';
  merchantId: string;
  requireAttestation: boolean;
  policy: AttestationPolicy;
  updatedAt: string;
  version: number;
}

export const evolveMerchantAttestationPolicyDocument = (
  _doc: MerchantAttestationPolicyDocument | null,
  recorded: RecordedEvent,
): MerchantAttestationPolicyDocument => {
  const { data } = merchantAttestationPolicyEventCodec.decode(recorded);
  return {
    _id: data.merchantId,
    object: 'attestation_policy',
    merchantId: data.merchantId,
    requireAttestation: data.requireAttestation,
    policy: data.policy,
    updatedAt: data.setAt,
    version: recorded.revision + 1,
  };
};

export const MERCHANT_ATTESTATION_POLICIES_COLLECTION = 'merchant_attestation_policies';

export const merchantAttestationPolicyProjection: Projection<MerchantAttestationPolicyDocument> = {
  name: 'merchant_attestation_policies',
  collection: MERCHANT_ATTESTATION_POLICIES_COLLECTION,
  eventTypes: merchantAttestationPolicyEventCodec.eventTypes,
  documentId: (event) => (event.data as { merchantId?: string }).merchantId ?? null,
  evolve: evolveMerchantAttestationPolicyDocument,
};

export const merchantAttestationPolicyFromStream = (
  stream: readonly RecordedEvent[],
): MerchantAttestationPolicyDocument | null =>
  stream.reduce<MerchantAttestationPolicyDocument | null>(evolveMerchantAttestationPolicyDocument, null);
