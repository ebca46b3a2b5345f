import { z } from 'zod';
import { zodEventCodec } from '../shared/event-codec';

const timestamp = z.iso.datetime();

const reasonSchema = z.object({ code: z.string(), message: z.string() });

/** What the evidence claimed (security level, boot state, ...), kept for auditors as the verifier gave it. */
const factsSchema = z.record(z.string(), z.unknown()).nullable();

export const terminalAttestationEventSchemas = {
  TerminalAttestationChallengeIssued: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    challengeId: z.string(),
    /** Base64 of the random bytes; not a secret, only single use. */
    challenge: z.string(),
    issuedAt: timestamp,
    expiresAt: timestamp,
  }),
  TerminalAttested: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    challengeId: z.string(),
    verifiedAt: timestamp,
    /** The verdict holds until then. */
    expiresAt: timestamp,
    facts: factsSchema,
  }),
  TerminalAttestationFailed: z.object({
    terminalId: z.string(),
    merchantId: z.string(),
    challengeId: z.string(),
    verifiedAt: timestamp,
    reasons: z.array(reasonSchema).min(1),
    facts: factsSchema,
  }),
} as const;

type Schemas = typeof terminalAttestationEventSchemas;
export type TerminalAttestationEventType = keyof Schemas;
export type TerminalAttestationEvent = {
  [Type in TerminalAttestationEventType]: { type: Type; data: z.infer<Schemas[Type]> };
}[TerminalAttestationEventType];
export type TerminalAttestationEventOf<Type extends TerminalAttestationEventType> = Extract<
  TerminalAttestationEvent,
  { type: Type }
>;

export const terminalAttestationEventCodec = zodEventCodec(terminalAttestationEventSchemas);
