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
import { forbidden, invalid } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import { evolveMerchantAttestationPolicyDocument } from '../../projections/terminals/merchant-attestation-policy.projection';
import { commandHandlerFor, type LoadOptions } from '../command-handler';

export interface MerchantAttestationPolicyServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
}

/** Keyed by merchant id: one policy per merchant. */
export const merchantAttestationPolicyAggregate = {
  decider: merchantAttestationPolicyDecider,
  codec: merchantAttestationPolicyEventCodec,
  streamName: merchantAttestationPolicyStreamName,
  view: evolveMerchantAttestationPolicyDocument,
};

export const merchantAttestationPolicyService = (deps: MerchantAttestationPolicyServiceDeps) => {
  const handler = commandHandlerFor(deps.eventStore, merchantAttestationPolicyAggregate);
  return {
    /** The policy's state and document, as of its stream's last event. */
    load: (merchantId: string) => handler.load(merchantId),

    /**
     * The merchant's policy as its stream holds it (the handler's cache), never a lagging read model.
     * `byHead`: see `CommandHandler.load`.
     */
    current: async (merchantId: string, options?: LoadOptions): Promise<MerchantAttestationPolicyState> =>
      (await handler.load(merchantId, options)).state,

    /**
     * Payment commands decide from the policy's stream, so the change is enforced at once; the answer
     * still waits for the read model, so a GET that follows shows it.
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
      const result = await handler.handle(
        scope.merchantId,
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
      const last = result.position;
      const effective =
        last === undefined || (await deps.freshness.waitFor(last, deps.readYourWritesTimeoutMs));
      return { result, effective };
    },
  };
};

export type MerchantAttestationPolicyService = ReturnType<typeof merchantAttestationPolicyService>;
