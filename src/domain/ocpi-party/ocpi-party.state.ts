import type { EncryptedSecret } from '../webhook-subscription/webhook-subscription.events';
import type { OcpiConnection, OcpiPartyEvent } from './ocpi-party.events';

interface Identity {
  partyRef: string;
  name: string;
  acceptsUnencodedTokens: boolean;
}

/** One OCPI peer platform (one or more roles, each a country code and party id) and its credentials. */
export type OcpiPartyState =
  | { status: 'empty' }
  | ({ status: 'awaiting_registration'; registrationTokenHash: string } & Identity)
  | ({
      status: 'registering_outbound';
      versionsUrl: string;
      registrationToken: EncryptedSecret;
      pendingTokenHash: string;
    } & Identity)
  | ({
      status: 'registered';
      direction: 'inbound' | 'outbound';
      connection: OcpiConnection;
      /** A token B we sent in a re-roll the peer has not answered yet. */
      pendingTokenHash?: string;
      registeredAt: string;
    } & Identity)
  | ({ status: 'unregistered'; unregisteredAt: string } & Identity);

export const initialOcpiPartyState = (): OcpiPartyState => ({ status: 'empty' });

const identityOf = (state: OcpiPartyState): Identity =>
  state.status === 'empty'
    ? { partyRef: '', name: '', acceptsUnencodedTokens: false }
    : { partyRef: state.partyRef, name: state.name, acceptsUnencodedTokens: state.acceptsUnencodedTokens };

const connectionOf = ({
  version,
  versionsUrl,
  roles,
  endpoints,
  inboundTokenHash,
  outboundToken,
}: OcpiConnection) => ({
  version,
  versionsUrl,
  roles,
  endpoints,
  inboundTokenHash,
  outboundToken,
});

export const evolveOcpiParty = (state: OcpiPartyState, event: OcpiPartyEvent): OcpiPartyState => {
  switch (event.type) {
    case 'OcpiRegistrationTokenIssued': {
      const { partyRef, name, registrationTokenHash, acceptsUnencodedTokens } = event.data;
      return {
        status: 'awaiting_registration',
        partyRef,
        name,
        acceptsUnencodedTokens,
        registrationTokenHash,
      };
    }
    case 'OcpiOutboundRegistrationStarted': {
      const { partyRef, name, versionsUrl, registrationToken, pendingTokenHash, acceptsUnencodedTokens } =
        event.data;
      return {
        status: 'registering_outbound',
        partyRef,
        name,
        acceptsUnencodedTokens,
        versionsUrl,
        registrationToken,
        pendingTokenHash,
      };
    }
    case 'OcpiPartyRegistered':
      return {
        status: 'registered',
        ...identityOf(state),
        direction: event.data.direction,
        connection: connectionOf(event.data),
        registeredAt: event.data.registeredAt,
      };
    case 'OcpiCredentialsUpdateStarted':
      return state.status === 'registered'
        ? { ...state, pendingTokenHash: event.data.pendingTokenHash }
        : state;
    case 'OcpiCredentialsUpdated': {
      if (state.status !== 'registered') return state;
      const { pendingTokenHash: _answered, ...rest } = state;
      return { ...rest, connection: connectionOf(event.data) };
    }
    case 'OcpiPartyUnregistered':
      return { status: 'unregistered', ...identityOf(state), unregisteredAt: event.data.unregisteredAt };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown OCPI party event ${JSON.stringify(unreachable)}`);
    }
  }
};
