import { DEFAULT_ATTESTATION_POLICY, type AttestationPolicy } from '../attestation/attestation-policy';
import type { Decider } from '../shared/decider';
import type { MerchantAttestationPolicyEvent } from './merchant-attestation-policy.events';

export interface SetMerchantAttestationPolicy {
  type: 'SetMerchantAttestationPolicy';
  now: string;
  merchantId: string;
  requireAttestation: boolean;
  policy: AttestationPolicy;
}

export type MerchantAttestationPolicyCommand = SetMerchantAttestationPolicy;

/** A merchant that never set a policy gets the default one, with attestation not required. */
export type MerchantAttestationPolicyState =
  | { status: 'default'; requireAttestation: false; policy: AttestationPolicy }
  | { status: 'set'; merchantId: string; requireAttestation: boolean; policy: AttestationPolicy };

export const defaultMerchantAttestationPolicy = (): MerchantAttestationPolicyState => ({
  status: 'default',
  requireAttestation: false,
  policy: DEFAULT_ATTESTATION_POLICY,
});

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );

export const decideMerchantAttestationPolicy = (
  command: MerchantAttestationPolicyCommand,
  state: MerchantAttestationPolicyState,
): MerchantAttestationPolicyEvent[] => {
  // Setting what is already set records nothing, so a repeated PUT is harmless.
  if (
    state.status === 'set' &&
    state.requireAttestation === command.requireAttestation &&
    canonical(state.policy) === canonical(command.policy)
  ) {
    return [];
  }
  const { merchantId, requireAttestation, policy, now } = command;
  return [
    { type: 'MerchantAttestationPolicySet', data: { merchantId, requireAttestation, policy, setAt: now } },
  ];
};

export const evolveMerchantAttestationPolicy = (
  _state: MerchantAttestationPolicyState,
  event: MerchantAttestationPolicyEvent,
): MerchantAttestationPolicyState => {
  const { merchantId, requireAttestation, policy } = event.data;
  return { status: 'set', merchantId, requireAttestation, policy };
};

export const merchantAttestationPolicyDecider: Decider<
  MerchantAttestationPolicyState,
  MerchantAttestationPolicyCommand,
  MerchantAttestationPolicyEvent
> = {
  initialState: defaultMerchantAttestationPolicy,
  decide: decideMerchantAttestationPolicy,
  evolve: evolveMerchantAttestationPolicy,
};

export const merchantAttestationPolicyStreamName = (merchantId: string): string =>
  `merchant_attestation_policy-${merchantId}`;
