import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';
import { encryptedSecretSchema } from '../webhook-subscription/webhook-subscription.events';

const timestamp = z.iso.datetime();
/** SHA-256 (hex) of the single-use `state` sent to Edenred's login; the state itself is never stored. */
const stateHash = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The link's tokens (access, refresh, id token) and the Edenred username, as one AES-256-GCM box bound to
 * the link id: streams are exported and replayed by auditors, so nothing here may be usable in clear.
 */
const tokens = z.object({
  sealed: encryptedSecretSchema,
  accessTokenExpiresAt: timestamp,
  /** For people: two characters and a mask, enough to tell two links apart. */
  usernameHint: z.string(),
});

export const edenredLinkEventSchemas = {
  EdenredLinkStarted: z.object({
    linkId: z.string(),
    merchantId: z.string(),
    terminalId: z.string().nullable(),
    paymentIntentId: z.string().nullable(),
    name: z.string().nullable(),
    stateHash,
    startedAt: timestamp,
  }),
  /** The user is sent to Edenred's login again (after login_required) with a new single-use state. */
  EdenredLinkLoginRestarted: z.object({ linkId: z.string(), stateHash, restartedAt: timestamp }),
  EdenredLinkLoggedIn: z.object({ linkId: z.string(), tokens, loggedInAt: timestamp }),
  /** The code exchange failed or Edenred refused the tokens: the user must log in again. */
  EdenredLinkLoginRequired: z.object({
    linkId: z.string(),
    code: z.string(),
    reason: z.string(),
    at: timestamp,
  }),
  EdenredLinkTokensRefreshed: z.object({ linkId: z.string(), tokens, refreshedAt: timestamp }),
  /** Removed by the merchant; the Edenred session was ended first (or had already ended). */
  EdenredLinkRemoved: z.object({ linkId: z.string(), sessionEnded: z.boolean(), removedAt: timestamp }),
} as const;

export type EdenredLinkEvent = EventsOf<typeof edenredLinkEventSchemas>;
export type EdenredLinkTokens = z.infer<typeof tokens>;
export const edenredLinkEventCodec = zodEventCodec(edenredLinkEventSchemas);
