import { z } from 'zod';
import { encryptedSecretSchema } from '../webhook-subscription/webhook-subscription.events';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();
/** SHA-256 (hex) of a credentials token we only check: a random 256-bit token needs no salt. */
const tokenHash = z.string().regex(/^[0-9a-f]{64}$/);

export const ocpiRoleSchema = z.object({
  role: z.string(),
  countryCode: z.string().length(2),
  partyId: z.string().length(3),
  businessName: z.string(),
});
export type OcpiRole = z.infer<typeof ocpiRoleSchema>;

export const ocpiEndpointSchema = z.object({
  identifier: z.string(),
  role: z.enum(['SENDER', 'RECEIVER']),
  url: z.url(),
});
export type OcpiEndpoint = z.infer<typeof ocpiEndpointSchema>;

/** What a completed handshake (or a re-roll) settles: who they are, where, and the tokens both ways. */
const connection = {
  version: z.enum(['2.2.1', '2.3.0']),
  versionsUrl: z.url(),
  roles: z.array(ocpiRoleSchema).min(1),
  endpoints: z.array(ocpiEndpointSchema),
  /** The token they use with us. */
  inboundTokenHash: tokenHash,
  /** The token we use with them, encrypted (the party reference is its authenticated data). */
  outboundToken: encryptedSecretSchema,
};

export const ocpiPartyEventSchemas = {
  /** We issued a token A for a peer that will register with us (admin CLI or EdgePay API). */
  OcpiRegistrationTokenIssued: z.object({
    partyRef: z.string(),
    name: z.string(),
    registrationTokenHash: tokenHash,
    acceptsUnencodedTokens: z.boolean(),
    issuedAt: timestamp,
  }),
  /**
   * We start registering with a peer, given its versions URL and its token A: the token B we will send
   * is accepted (versions and credentials only) before we POST it, since the peer calls us back with it
   * while it handles our POST.
   */
  OcpiOutboundRegistrationStarted: z.object({
    partyRef: z.string(),
    name: z.string(),
    versionsUrl: z.url(),
    registrationToken: encryptedSecretSchema,
    pendingTokenHash: tokenHash,
    acceptsUnencodedTokens: z.boolean(),
    startedAt: timestamp,
  }),
  OcpiPartyRegistered: z.object({
    partyRef: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    ...connection,
    registeredAt: timestamp,
  }),
  /** We start a re-roll: the new token B is accepted beside the current one until the peer answers. */
  OcpiCredentialsUpdateStarted: z.object({
    partyRef: z.string(),
    pendingTokenHash: tokenHash,
    startedAt: timestamp,
  }),
  OcpiCredentialsUpdated: z.object({
    partyRef: z.string(),
    initiatedBy: z.enum(['peer', 'us']),
    ...connection,
    updatedAt: timestamp,
  }),
  OcpiPartyUnregistered: z.object({
    partyRef: z.string(),
    initiatedBy: z.enum(['peer', 'us']),
    unregisteredAt: timestamp,
  }),
} as const;

export type OcpiPartyEvent = EventsOf<typeof ocpiPartyEventSchemas>;
export type OcpiConnection = {
  [Key in keyof typeof connection]: z.infer<(typeof connection)[Key]>;
};

export const ocpiPartyEventCodec = zodEventCodec(ocpiPartyEventSchemas);
