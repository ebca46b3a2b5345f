import type { OcpiPartyState } from '../../domain/ocpi-party/ocpi-party.state';
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
  /** The party's stream as it is now (state and document): the read model only finds the candidate. */
  loadParty: (partyRef: string) => Promise<{ state: OcpiPartyState; view: OcpiPartyDocument | null }>;
}

/** What a token hash may do with a party in this state; undefined when the party no longer takes it. */
export const accessOf = (state: OcpiPartyState, hash: string): OcpiCaller['access'] | undefined => {
  switch (state.status) {
    case 'awaiting_registration':
      return state.registrationTokenHash === hash ? 'registration' : undefined;
    case 'registering_outbound':
      return state.pendingTokenHash === hash ? 'registration' : undefined;
    case 'registered':
      if (state.connection.inboundTokenHash === hash) return 'registered';
      return state.pendingTokenHash === hash ? 'registration' : undefined;
    default:
      return undefined;
  }
};

const candidateByHash = async (readStore: ReadStore, hash: string) => {
  const parties = readStore.collection<OcpiPartyDocument>('ocpi_parties');
  return (await parties.findOne({ tokenHash: hash })) ?? (await parties.findOne({ pendingTokenHash: hash }));
};

/**
 * Base64 first (OCPI 2.2.1); the header's bare value only for a party registered as a 2.1-era peer
 * that does not encode. The read model finds the party by the token's hash (a miss waits once for the
 * projector, like API keys do); the party's stream then decides, so a token re-rolled or unregistered
 * by another process stops working at once.
 */
export const identifyCaller = async (
  deps: OcpiCallerDeps,
  header: string | undefined,
): Promise<OcpiCaller> => {
  const tokens = tokensOfHeader(header);
  if (!tokens) throw unauthorized();
  const attempts = [
    ...(tokens.decoded === undefined ? [] : [{ token: tokens.decoded, unencoded: false }]),
    { token: tokens.raw, unencoded: true },
  ].map((attempt) => ({ ...attempt, hash: hashCredentialsToken(attempt.token) }));
  const lookup = async () => {
    for (const attempt of attempts) {
      const candidate = await candidateByHash(deps.readStore, attempt.hash);
      if (!candidate) continue;
      const { state, view } = await deps.loadParty(candidate._id);
      const access = accessOf(state, attempt.hash);
      if (!access || !view || (attempt.unencoded && !view.acceptsUnencodedTokens)) continue;
      return { party: view, access, token: attempt.token };
    }
    return undefined;
  };
  const found = (await lookup()) ?? (await deps.catchUp().then(lookup));
  if (!found) throw unauthorized();
  return found;
};
