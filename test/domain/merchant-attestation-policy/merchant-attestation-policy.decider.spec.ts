import { DEFAULT_ATTESTATION_POLICY } from '../../../src/domain/attestation/attestation-policy';
import {
  merchantAttestationPolicyDecider,
  type SetMerchantAttestationPolicy,
} from '../../../src/domain/merchant-attestation-policy/merchant-attestation-policy.decider';
import type { MerchantAttestationPolicyEvent } from '../../../src/domain/merchant-attestation-policy/merchant-attestation-policy.events';
import { deciderSpec } from '../../support/decider-spec';

const T0 = '2026-03-01T10:00:00.000Z';
const given = deciderSpec(merchantAttestationPolicyDecider);

const set = (
  requireAttestation: boolean,
  policy = DEFAULT_ATTESTATION_POLICY,
): SetMerchantAttestationPolicy => ({
  type: 'SetMerchantAttestationPolicy',
  now: T0,
  merchantId: 'mer_1',
  requireAttestation,
  policy,
});
const wasSet = (
  requireAttestation: boolean,
  policy = DEFAULT_ATTESTATION_POLICY,
): MerchantAttestationPolicyEvent => ({
  type: 'MerchantAttestationPolicySet',
  data: { merchantId: 'mer_1', requireAttestation, policy, setAt: T0 },
});

describe('merchant attestation policy decider', () => {
  it('records a policy', () =>
    given([])
      .when(set(true))
      .then([wasSet(true)]));

  it('records nothing when the policy is already so, whatever the order of its keys', () =>
    given([wasSet(true)])
      .when(
        set(true, {
          requireVerifiedBoot: true,
          requireDeviceLocked: true,
          allowedSecurityLevels: ['TrustedEnvironment', 'StrongBox'],
        }),
      )
      .then([]));

  it('records a change', () => {
    given([wasSet(true)])
      .when(set(false))
      .then([wasSet(false)]);
    const strict = { ...DEFAULT_ATTESTATION_POLICY, allowedSecurityLevels: ['StrongBox' as const] };
    given([wasSet(true)])
      .when(set(true, strict))
      .then([wasSet(true, strict)]);
  });

  it('records an explicit policy even when it equals the default', () =>
    given([])
      .when(set(false))
      .then([wasSet(false)]));
});
