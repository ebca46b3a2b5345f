import {
  ocpiPartyEventCodec,
  type OcpiEndpoint,
  type OcpiRole,
} from '../../domain/ocpi-party/ocpi-party.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/**
 * What the OCPI surface needs to know a caller by its token: looked up by the token's hash. No token in
 * clear and no encrypted one: those stay in the party's stream, loaded by the command side when sending.
 */
export interface OcpiPartyDocument extends StoredDocument {
  name: string;
  status: 'awaiting_registration' | 'registering_outbound' | 'registered' | 'unregistered';
  /** The token the peer uses now: A or our B before registration, then C (inbound) or our B (outbound). */
  tokenHash: string | null;
  /** A token B we sent in a re-roll the peer has not answered yet. */
  pendingTokenHash: string | null;
  acceptsUnencodedTokens: boolean;
  direction: 'inbound' | 'outbound' | null;
  version: string | null;
  versionsUrl: string | null;
  roles: OcpiRole[];
  endpoints: OcpiEndpoint[];
  updatedAt: string;
}

export const evolveOcpiPartyDocument = (
  doc: OcpiPartyDocument | null,
  recorded: RecordedEvent,
): OcpiPartyDocument | null => {
  const event = ocpiPartyEventCodec.decode(recorded);
  const base = {
    tokenHash: null,
    pendingTokenHash: null,
    direction: null,
    version: null,
    versionsUrl: null,
    roles: [],
    endpoints: [],
  };
  switch (event.type) {
    case 'OcpiRegistrationTokenIssued':
      return {
        _id: event.data.partyRef,
        ...base,
        name: event.data.name,
        status: 'awaiting_registration',
        tokenHash: event.data.registrationTokenHash,
        acceptsUnencodedTokens: event.data.acceptsUnencodedTokens,
        updatedAt: event.data.issuedAt,
      };
    case 'OcpiOutboundRegistrationStarted':
      return {
        _id: event.data.partyRef,
        ...base,
        name: event.data.name,
        status: 'registering_outbound',
        tokenHash: event.data.pendingTokenHash,
        versionsUrl: event.data.versionsUrl,
        acceptsUnencodedTokens: event.data.acceptsUnencodedTokens,
        updatedAt: event.data.startedAt,
      };
    case 'OcpiPartyRegistered':
    case 'OcpiCredentialsUpdated': {
      if (!doc) return null;
      const { version, versionsUrl, roles, endpoints, inboundTokenHash } = event.data;
      return {
        ...doc,
        status: 'registered',
        direction: event.type === 'OcpiPartyRegistered' ? event.data.direction : doc.direction,
        tokenHash: inboundTokenHash,
        pendingTokenHash: null,
        version,
        versionsUrl,
        roles,
        endpoints,
        updatedAt: event.type === 'OcpiPartyRegistered' ? event.data.registeredAt : event.data.updatedAt,
      };
    }
    case 'OcpiCredentialsUpdateStarted':
      return (
        doc && { ...doc, pendingTokenHash: event.data.pendingTokenHash, updatedAt: event.data.startedAt }
      );
    case 'OcpiPartyUnregistered':
      return (
        doc && {
          ...doc,
          status: 'unregistered',
          tokenHash: null,
          pendingTokenHash: null,
          updatedAt: event.data.unregisteredAt,
        }
      );
  }
};

export const ocpiPartyProjection: Projection<OcpiPartyDocument> = {
  name: 'ocpi_parties',
  collection: 'ocpi_parties',
  eventTypes: ocpiPartyEventCodec.eventTypes,
  documentId: (event) => (event.data as { partyRef?: string }).partyRef ?? null,
  evolve: evolveOcpiPartyDocument,
  indexes: [{ keys: { tokenHash: 1 } }, { keys: { pendingTokenHash: 1 } }],
};
