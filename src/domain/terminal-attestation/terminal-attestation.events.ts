import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

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

export type TerminalAttestationEvent = EventsOf<typeof terminalAttestationEventSchemas>;
export type TerminalAttestationEventType = TerminalAttestationEvent['type'];
export type TerminalAttestationEventOf<Type extends TerminalAttestationEventType> = Extract<
  TerminalAttestationEvent,
  { type: Type }
>;

export const terminalAttestationEventCodec = zodEventCodec(terminalAttestationEventSchemas);
