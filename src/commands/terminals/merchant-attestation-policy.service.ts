import { z } from 'zod';
import {
  attestationPolicySchema,
  DEFAULT_ATTESTATION_POLICY,
  type AttestationPolicy,
} from '../../domain/attestation/attestation-policy';
import {
  merchantAttestationPolicyDecider,
  merchantAttestationPolicyStreamName,
  type MerchantAttestationPolicyState,
} from '../../domain/merchant-attestation-policy/merchant-attestation-policy.decider';
import { merchantAttestationPolicyEventCodec } from '../../domain/merchant-attestation-policy/merchant-attestation-policy.events';
import { fold } from '../../domain/shared/decider';
import { forbidden, invalid } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import { handleCommand } from '../command-handler';

export interface MerchantAttestationPolicyServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

const aggregate = { decider: merchantAttestationPolicyDecider, codec: merchantAttestationPolicyEventCodec };

export const merchantAttestationPolicyService = (deps: MerchantAttestationPolicyServiceDeps) => ({
  /** The merchant's policy as its stream holds it: a few events at most, so no read model is needed. */
  current: async (merchantId: string): Promise<MerchantAttestationPolicyState> => {
    const stream = await deps.eventStore.readStream(merchantAttestationPolicyStreamName(merchantId));
    return fold(
      merchantAttestationPolicyDecider.evolve,
      merchantAttestationPolicyDecider.initialState(),
      stream.map((recorded) => merchantAttestationPolicyEventCodec.parse(recorded)),
    );
  },

  /**
   * Payment commands consult the policy's read model; the answer waits until it holds the change, so a
   * merchant that just required attestation sees it enforced on the very next payment.
   */
  set: async (
    input: { requireAttestation: boolean; policy?: AttestationPolicy },
    scope: AccessScope,
    context: CommandContext,
    expectedVersion?: number,
  ) => {
    if (scope.terminalId !== undefined) {
      throw forbidden('operator_credential_required', "a terminal's own credential cannot set policies");
    }
    // The contract checks the shape; the verifier's own schema has the last word (a month 13 is no patch level).
    const policy = attestationPolicySchema.safeParse(input.policy ?? DEFAULT_ATTESTATION_POLICY);
    if (!policy.success) {
      throw invalid('invalid_attestation_policy', `policy: ${z.prettifyError(policy.error)}`, 'policy');
    }
    const result = await handleCommand(
      deps.eventStore,
      aggregate,
      merchantAttestationPolicyStreamName(scope.merchantId),
      {
        type: 'SetMerchantAttestationPolicy',
        now: deps.clock.now().toISOString(),
        merchantId: scope.merchantId,
        requireAttestation: input.requireAttestation,
        policy: policy.data,
      },
      context,
      expectedVersion === undefined ? {} : { expectedVersion },
    );
    const last = result.stream.at(-1)?.position;
    const effective =
      last === undefined || (await deps.freshness.waitFor(last, deps.readYourWritesTimeoutMs));
    return { result, effective };
  },
});

export type MerchantAttestationPolicyService = ReturnType<typeof merchantAttestationPolicyService>;
