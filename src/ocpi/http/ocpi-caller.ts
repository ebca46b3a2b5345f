import type { ReadStore } from '../../infrastructure/read-store/read-store';
import type { OcpiPartyDocument } from '../../projections/ocpi/ocpi-party.projection';
import { hashCredentialsToken, tokensOfHeader } from '../transport/credentials-token';
import { unauthorized } from '../transport/ocpi-errors';

/** The peer a request comes from, known by its credentials token. */
export interface OcpiCaller {
  party: OcpiPartyDocument;
  /** `registered`: every module; `registration`: versions and credentials only (token A, or a token B in flight). */
  access: 'registration' | 'registered';
  /** The token as sent, so GET /credentials can answer with it: we keep only its hash. */
  token: string;
}

export interface OcpiCallerDeps {
  readStore: ReadStore;
  /** Waits (bounded) for the read models to apply the whole store: a token issued a moment ago works. */
  catchUp: () => Promise<void>;
}

const collection = (readStore: ReadStore) => readStore.collection<OcpiPartyDocument>('ocpi_parties');

const findByHash = async (readStore: ReadStore, hash: string) => {
  const parties = collection(readStore);
  const current = await parties.findOne({ tokenHash: hash });
  if (current) return { party: current, pending: false };
  const pending = await parties.findOne({ pendingTokenHash: hash });
  return pending ? { party: pending, pending: true } : undefined;
};

/**
 * Base64 first (OCPI 2.2.1); the header's bare value only for a party registered as a 2.1-era peer
 * that does not encode. A miss waits once for the projector, like API keys do.
 */
export const identifyCaller = async (
  deps: OcpiCallerDeps,
  header: string | undefined,
): Promise<OcpiCaller> => {
  const tokens = tokensOfHeader(header);
  if (!tokens) throw unauthorized();
  const lookup = async () => {
    if (tokens.decoded !== undefined) {
      const found = await findByHash(deps.readStore, hashCredentialsToken(tokens.decoded));
      if (found) return { ...found, token: tokens.decoded };
    }
    const found = await findByHash(deps.readStore, hashCredentialsToken(tokens.raw));
    return found?.party.acceptsUnencodedTokens ? { ...found, token: tokens.raw } : undefined;
  };
  let found = await lookup();
  if (!found) {
    await deps.catchUp();
    found = await lookup();
  }
  if (!found) throw unauthorized();
  return {
    party: found.party,
    access: found.party.status === 'registered' && !found.pending ? 'registered' : 'registration',
    token: found.token,
  };
};
