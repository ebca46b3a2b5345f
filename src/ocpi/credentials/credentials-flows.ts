import type { CommandContext } from '../../commands/command-context';
import { deterministicUuid } from '../../infrastructure/ids';
import type { OcpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import type { OcpiConnection, OcpiRole } from '../../domain/ocpi-party/ocpi-party.events';
import type { SecretBox } from '../../webhooks/secret-box';
import type { OcpiClient } from '../client/ocpi-client';
import type { OcpiAnswer, OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import type { OcpiVersion } from '../openapi/ocpi-description';
import { ourCredentials, ourEndpoints, ourVersions, type OurPlatform } from '../our-platform';
import {
  hashCredentialsToken,
  isCredentialsToken,
  newCredentialsToken,
} from '../transport/credentials-token';
import { invalidParameters, methodNotAllowed, OcpiPeerError } from '../transport/ocpi-errors';
import { DomainError } from '../../domain/shared/domain-error';
import { credentialsEndpointOf, fetchPeerEndpoints } from './peer-endpoints';

/** The Credentials object as the description defines it (credentials/schema.yaml). */
interface CredentialsObject {
  token: string;
  url: string;
  roles: { role: string; business_details: { name: string }; party_id: string; country_code: string }[];
}

export interface CredentialsDeps {
  parties: OcpiPartyService;
  client: OcpiClient;
  secretBox: SecretBox;
  us: OurPlatform;
}

const rolesOf = (credentials: CredentialsObject): OcpiRole[] =>
  credentials.roles.map((role) => ({
    role: role.role,
    countryCode: role.country_code.toUpperCase(),
    partyId: role.party_id.toUpperCase(),
    businessName: role.business_details.name,
  }));

const peerContext = (request: OcpiRequest): CommandContext => ({
  correlationId: request.correlationId,
  actor: { id: request.caller.party._id, kind: 'ocpi_party' },
});

const checkedToken = (token: string) => {
  if (!isCredentialsToken(token))
    throw invalidParameters('token: printable ASCII without spaces, at most 64 characters');
  return token;
};

/** The credentials module as server (the peer registers, re-rolls, unregisters) and the versions module. */
export const credentialsHandlers = (deps: CredentialsDeps): OcpiHandlers => {
  /** Fetches the peer's endpoints with the token it gave us, then settles a new token for it. */
  const settle = async (request: OcpiRequest): Promise<{ connection: OcpiConnection; token: string }> => {
    const body = request.body as CredentialsObject;
    const peerToken = checkedToken(body.token);
    const { party } = request.caller;
    const { version, endpoints } = await fetchPeerEndpoints(
      deps.client,
      body.url,
      {
        token: peerToken,
        unencodedToken: party.acceptsUnencodedTokens,
        correlationId: request.correlationId,
      },
      request.version,
    );
    const token = newCredentialsToken();
    return {
      token,
      connection: {
        version,
        versionsUrl: body.url,
        roles: rolesOf(body),
        endpoints,
        inboundTokenHash: hashCredentialsToken(token),
        outboundToken: deps.secretBox.encrypt(peerToken, party._id),
      },
    };
  };

  /** A peer naming a country code + party id another registered party holds is refused (2001). */
  const claimed = async (
    partyRef: string,
    roles: readonly OcpiRole[],
    previous: readonly OcpiRole[],
    context: CommandContext,
  ) => {
    try {
      await deps.parties.claimPartyIds(partyRef, roles, previous, context);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'ocpi_party_id_taken')
        throw invalidParameters(error.message);
      throw error;
    }
  };

  const requireRegistered = (request: OcpiRequest) => {
    if (request.caller.access !== 'registered')
      throw methodNotAllowed('the party is not registered yet: use POST');
  };

  return {
    getVersions: async (): Promise<OcpiAnswer> => ({ data: ourVersions(deps.us) }),
    getVersionDetails: async (request) => ({
      data: { version: request.version, endpoints: ourEndpoints(deps.us, request.version) },
    }),
    getCredentials: async (request) => ({ data: ourCredentials(deps.us, request.caller.token) }),
    postCredentials: async (request) => {
      if (request.caller.access === 'registered')
        throw methodNotAllowed('the party is already registered: use PUT');
      const { connection, token } = await settle(request);
      await claimed(request.caller.party._id, connection.roles, [], peerContext(request));
      await deps.parties.run(
        request.caller.party._id,
        { type: 'CompleteRegistration', direction: 'inbound', connection },
        peerContext(request),
      );
      return { data: ourCredentials(deps.us, token) };
    },
    putCredentials: async (request) => {
      requireRegistered(request);
      const { connection, token } = await settle(request);
      const { state } = await deps.parties.load(request.caller.party._id);
      const previous = state.status === 'registered' ? state.connection.roles : [];
      await claimed(request.caller.party._id, connection.roles, previous, peerContext(request));
      await deps.parties.run(
        request.caller.party._id,
        { type: 'UpdateCredentials', initiatedBy: 'peer', connection },
        peerContext(request),
      );
      return { data: ourCredentials(deps.us, token) };
    },
    deleteCredentials: async (request) => {
      requireRegistered(request);
      const { state } = await deps.parties.load(request.caller.party._id);
      await deps.parties.run(
        request.caller.party._id,
        { type: 'Unregister', initiatedBy: 'peer' },
        peerContext(request),
      );
      if (state.status === 'registered')
        await deps.parties.releasePartyIds(
          request.caller.party._id,
          state.connection.roles,
          peerContext(request),
        );
      return {};
    },
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** OCPI wants a UUID as X-Correlation-ID; an EdgePay request id that is none maps to one, the same each time. */
export const ocpiCorrelationId = (context: CommandContext): string =>
  UUID.test(context.correlationId)
    ? context.correlationId
    : deterministicUuid('ocpi-correlation', context.correlationId);

/** The credentials module as client: we register with a peer, re-roll our tokens, unregister. */
export const credentialsClient = (deps: CredentialsDeps) => {
  const credentialsCall = async (
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    version: OcpiVersion,
    access: { token: string; unencodedToken: boolean; correlationId: string },
    body?: unknown,
  ) => {
    const reply = await deps.client.call<CredentialsObject>({
      method,
      url,
      ...access,
      ...(body === undefined ? {} : { body }),
      described: { version, file: 'credentials/interface', path: '/credentials' },
    });
    return reply.envelope.data;
  };

  const theirCredentials = (data: CredentialsObject | undefined, url: string): CredentialsObject => {
    if (!data || !isCredentialsToken(data.token) || !Array.isArray(data.roles) || data.roles.length === 0) {
      throw new OcpiPeerError(url, 200, 1000, 'the peer answered without usable credentials');
    }
    return data;
  };

  const registered = async (partyRef: string) => {
    const { state } = await deps.parties.load(partyRef);
    if (state.status !== 'registered') throw methodNotAllowed(`${partyRef} is not registered`);
    return { state, token: deps.secretBox.decrypt(state.connection.outboundToken, partyRef) };
  };

  return {
    /** Token A (theirs) -> our token B in a POST -> their token C in the answer. */
    async registerWith(
      input: { versionsUrl: string; token: string; name: string; acceptsUnencodedTokens: boolean },
      context: CommandContext,
    ) {
      const partyRef = deps.parties.newPartyRef();
      const access = {
        token: checkedToken(input.token),
        unencodedToken: input.acceptsUnencodedTokens,
        correlationId: ocpiCorrelationId(context),
      };
      const { version, endpoints } = await fetchPeerEndpoints(deps.client, input.versionsUrl, access);
      const tokenB = newCredentialsToken();
      await deps.parties.run(
        partyRef,
        {
          type: 'StartOutboundRegistration',
          partyRef,
          name: input.name,
          versionsUrl: input.versionsUrl,
          registrationToken: deps.secretBox.encrypt(input.token, partyRef),
          pendingTokenHash: hashCredentialsToken(tokenB),
          acceptsUnencodedTokens: input.acceptsUnencodedTokens,
        },
        context,
      );
      const url = credentialsEndpointOf(endpoints);
      const theirs = theirCredentials(
        await credentialsCall('POST', url, version, access, ourCredentials(deps.us, tokenB)),
        url,
      );
      const connection: OcpiConnection = {
        version,
        versionsUrl: input.versionsUrl,
        roles: rolesOf(theirs),
        endpoints,
        inboundTokenHash: hashCredentialsToken(tokenB),
        outboundToken: deps.secretBox.encrypt(theirs.token, partyRef),
      };
      // Another party holding their country code + party id: a 409 for the admin, the party left unfinished.
      await deps.parties.claimPartyIds(partyRef, connection.roles, [], context);
      await deps.parties.run(
        partyRef,
        { type: 'CompleteRegistration', direction: 'outbound', connection },
        context,
      );
      return { partyRef, version, roles: connection.roles };
    },

    /** A new token B for them, sent with PUT; their answer carries a new token C, and we fetch their endpoints again. */
    async rerollWith(partyRef: string, context: CommandContext) {
      const { state, token } = await registered(partyRef);
      const { connection } = state;
      const tokenB = newCredentialsToken();
      await deps.parties.run(
        partyRef,
        { type: 'StartCredentialsUpdate', pendingTokenHash: hashCredentialsToken(tokenB) },
        context,
      );
      const url = credentialsEndpointOf(connection.endpoints);
      const access = {
        token,
        unencodedToken: state.acceptsUnencodedTokens,
        correlationId: ocpiCorrelationId(context),
      };
      const theirs = theirCredentials(
        await credentialsCall('PUT', url, connection.version, access, ourCredentials(deps.us, tokenB)),
        url,
      );
      await deps.parties.claimPartyIds(partyRef, rolesOf(theirs), connection.roles, context);
      const refreshed = await fetchPeerEndpoints(
        deps.client,
        connection.versionsUrl,
        { ...access, token: theirs.token },
        connection.version,
      );
      await deps.parties.run(
        partyRef,
        {
          type: 'UpdateCredentials',
          initiatedBy: 'us',
          connection: {
            ...connection,
            roles: rolesOf(theirs),
            endpoints: refreshed.endpoints,
            inboundTokenHash: hashCredentialsToken(tokenB),
            outboundToken: deps.secretBox.encrypt(theirs.token, partyRef),
          },
        },
        context,
      );
      return { partyRef, version: connection.version };
    },

    /** DELETE on their credentials endpoint, then neither token works any more. */
    async unregisterFrom(partyRef: string, context: CommandContext) {
      const { state, token } = await registered(partyRef);
      const access = {
        token,
        unencodedToken: state.acceptsUnencodedTokens,
        correlationId: ocpiCorrelationId(context),
      };
      await credentialsCall(
        'DELETE',
        credentialsEndpointOf(state.connection.endpoints),
        state.connection.version,
        access,
      );
      await deps.parties.run(partyRef, { type: 'Unregister', initiatedBy: 'us' }, context);
      await deps.parties.releasePartyIds(partyRef, state.connection.roles, context);
      return { partyRef };
    },
  };
};

export type CredentialsClient = ReturnType<typeof credentialsClient>;
