import { attestationPolicySchema } from '../../domain/attestation/attestation-policy';
import {
  verifyAttestation,
  type AttestationVerdict,
  type VerifyAttestationInput,
} from '../../domain/attestation/verify-attestation';
import { forbidden, notFound } from '../../domain/shared/domain-error';
import {
  answerableChallenge,
  terminalAttestationDecider,
  terminalAttestationStreamName,
} from '../../domain/terminal-attestation/terminal-attestation.decider';
import { terminalAttestationEventCodec } from '../../domain/terminal-attestation/terminal-attestation.events';
import type { AttestationTrustAnchors } from '../../infrastructure/attestation/attestation-trust-anchors';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId, newId } from '../../infrastructure/ids';
import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { ReadModelFreshness } from '../../projections/read-model-freshness';
import type { TerminalDocument } from '../../projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../projections/terminals/terminal.projection';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import { evolveTerminalAttestationDocument } from '../../projections/terminals/terminal-attestation.projection';
import { commandHandlerFor, type LoadOptions } from '../command-handler';
import type { MerchantAttestationPolicyService } from './merchant-attestation-policy.service';

export const CHALLENGE_BYTES = 32;

export interface TerminalAttestationServiceDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  clock: Clock;
  freshness: ReadModelFreshness;
  readYourWritesTimeoutMs: number;
  policies: MerchantAttestationPolicyService;
  trustAnchors: AttestationTrustAnchors;
  challengeTtlMs: number;
  verdictTtlMs: number;
  /** The challenge's randomness; tests inject the challenge a recorded evidence carries. */
  randomBytes: (size: number) => Uint8Array;
  verify?: (input: VerifyAttestationInput) => AttestationVerdict;
}

export interface AttestationEvidenceInput {
  challengeId: string;
  /** PEM, leaf first, root last. */
  certificateChain: string;
}

/** Keyed by terminal id: one attestation stream per terminal. */
export const terminalAttestationAggregate = {
  decider: terminalAttestationDecider,
  codec: terminalAttestationEventCodec,
  streamName: terminalAttestationStreamName,
  view: evolveTerminalAttestationDocument,
};

/** Evidence comes from the device itself: only the terminal's own credential may present it. */
const ownTerminalOnly = (scope: AccessScope, id: string) => {
  if (scope.terminalId !== id) {
    throw forbidden(
      'terminal_credential_required',
      'only the terminal itself, with its own credential, can attest',
    );
  }
};

/** Facts as plain JSON, whatever the verifier put in them. */
const jsonFacts = (verdict: AttestationVerdict): Record<string, unknown> | null =>
  verdict.facts ? (JSON.parse(JSON.stringify(verdict.facts)) as Record<string, unknown>) : null;

export const terminalAttestationService = (deps: TerminalAttestationServiceDeps) => {
  const verify = deps.verify ?? verifyAttestation;
  const handler = commandHandlerFor(deps.eventStore, terminalAttestationAggregate);

  const terminalFor = async (id: string, scope: AccessScope) => {
    ownTerminalOnly(scope, id);
    const terminal = await deps.readStore
      .collection<TerminalDocument>(TERMINALS_COLLECTION)
      .findOne({ _id: id });
    if (!terminal || terminal.merchantId !== scope.merchantId) {
      throw notFound('terminal_not_found', `no terminal ${id}`);
    }
    return terminal;
  };

  const readState = async (id: string) => (await handler.load(id)).state;

  /** Whatever the evidence holds, the answer is a verdict: a verifier that throws means unreadable evidence. */
  const safeVerify = (input: VerifyAttestationInput): AttestationVerdict => {
    try {
      return verify(input);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        trusted: false,
        reasons: [{ code: 'malformed_evidence', message: `unreadable evidence: ${detail}` }],
      };
    }
  };

  const projected = async (position: bigint | undefined) =>
    position === undefined || deps.freshness.waitFor(position, deps.readYourWritesTimeoutMs);

  return {
    /** The terminal's attestation as its stream holds it now (the payment trust check decides from it). */
    load: (id: string, options?: LoadOptions) => handler.load(id, options),

    issueChallenge: async (id: string, scope: AccessScope, context: CommandContext) => {
      const terminal = await terminalFor(id, scope);
      const challengeId = context.idempotency
        ? deterministicId('tac', context.idempotency.scope, context.idempotency.key)
        : newId('tac');
      return handler.handle(
        id,
        {
          type: 'IssueAttestationChallenge',
          now: deps.clock.now().toISOString(),
          terminalId: id,
          merchantId: terminal.merchantId,
          challengeId,
          challenge: Buffer.from(deps.randomBytes(CHALLENGE_BYTES)).toString('base64'),
          ttlMs: deps.challengeTtlMs,
        },
        context,
      );
    },

    /**
     * Checks the challenge first (a reused or expired one is refused and records nothing), verifies the
     * evidence at the clock's now under the merchant's policy, and records the verdict with its reasons.
     * The answer waits until payment commands can see the verdict.
     */
    submitEvidence: async (
      id: string,
      input: AttestationEvidenceInput,
      scope: AccessScope,
      context: CommandContext,
    ) => {
      const terminal = await terminalFor(id, scope);
      const at = deps.clock.now();
      const now = at.toISOString();
      const challenge = answerableChallenge(await readState(id), input.challengeId, now);
      const merchantPolicy = await deps.policies.current(terminal.merchantId);
      const verdict = safeVerify({
        chainPem: input.certificateChain,
        expectedChallenge: Buffer.from(challenge.challenge, 'base64'),
        trustedRootsPem: deps.trustAnchors.trustedRootsPem,
        revocation: deps.trustAnchors.revocation(),
        policy: attestationPolicySchema.parse(merchantPolicy.policy),
        at,
      });
      const result = await handler.handle(
        id,
        {
          type: 'RecordAttestationVerdict',
          now,
          challengeId: input.challengeId,
          trusted: verdict.trusted,
          reasons: verdict.reasons,
          facts: jsonFacts(verdict),
          verdictTtlMs: deps.verdictTtlMs,
        },
        context,
      );
      return { result, effective: await projected(result.position) };
    },
  };
};

export type TerminalAttestationService = ReturnType<typeof terminalAttestationService>;
