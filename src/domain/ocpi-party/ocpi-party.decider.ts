import type { Decider } from '../shared/decider';
import { conflict, notFound } from '../shared/domain-error';
import type { OcpiPartyCommand } from './ocpi-party.commands';
import type { OcpiPartyEvent } from './ocpi-party.events';
import { evolveOcpiParty, initialOcpiPartyState, type OcpiPartyState } from './ocpi-party.state';

/** The credentials module answers these two with 405 (credentials.asciidoc). */
export const ALREADY_REGISTERED = 'ocpi_already_registered';
export const NOT_REGISTERED = 'ocpi_not_registered';

const alreadyRegistered = () => conflict(ALREADY_REGISTERED, 'the party is already registered: use PUT');
const notRegistered = () => conflict(NOT_REGISTERED, 'the party is not registered');

const completeRegistration = (
  command: Extract<OcpiPartyCommand, { type: 'CompleteRegistration' }>,
  state: OcpiPartyState,
): OcpiPartyEvent[] => {
  if (state.status === 'registered') throw alreadyRegistered();
  const expected = command.direction === 'inbound' ? 'awaiting_registration' : 'registering_outbound';
  if (state.status !== expected) throw notFound('ocpi_party_not_found', 'no registration is under way');
  return [
    {
      type: 'OcpiPartyRegistered',
      data: {
        partyRef: state.partyRef,
        direction: command.direction,
        ...command.connection,
        registeredAt: command.now,
      },
    },
  ];
};

export const decideOcpiParty = (command: OcpiPartyCommand, state: OcpiPartyState): OcpiPartyEvent[] => {
  switch (command.type) {
    case 'IssueRegistrationToken': {
      if (state.status !== 'empty') throw conflict('ocpi_party_exists', 'the party already exists');
      const { partyRef, name, registrationTokenHash, acceptsUnencodedTokens, now } = command;
      return [
        {
          type: 'OcpiRegistrationTokenIssued',
          data: { partyRef, name, registrationTokenHash, acceptsUnencodedTokens, issuedAt: now },
        },
      ];
    }
    case 'StartOutboundRegistration': {
      if (state.status === 'registered') throw alreadyRegistered();
      if (state.status !== 'empty' && state.status !== 'registering_outbound') {
        throw conflict('ocpi_party_exists', 'the party already exists');
      }
      const { type: _type, now, ...data } = command;
      return [{ type: 'OcpiOutboundRegistrationStarted', data: { ...data, startedAt: now } }];
    }
    case 'CompleteRegistration':
      return completeRegistration(command, state);
    case 'StartCredentialsUpdate':
      if (state.status !== 'registered') throw notRegistered();
      return [
        {
          type: 'OcpiCredentialsUpdateStarted',
          data: {
            partyRef: state.partyRef,
            pendingTokenHash: command.pendingTokenHash,
            startedAt: command.now,
          },
        },
      ];
    case 'UpdateCredentials':
      if (state.status !== 'registered') throw notRegistered();
      return [
        {
          type: 'OcpiCredentialsUpdated',
          data: {
            partyRef: state.partyRef,
            initiatedBy: command.initiatedBy,
            ...command.connection,
            updatedAt: command.now,
          },
        },
      ];
    case 'Unregister':
      if (state.status !== 'registered') throw notRegistered();
      return [
        {
          type: 'OcpiPartyUnregistered',
          data: { partyRef: state.partyRef, initiatedBy: command.initiatedBy, unregisteredAt: command.now },
        },
      ];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown OCPI party command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const ocpiPartyDecider: Decider<OcpiPartyState, OcpiPartyCommand, OcpiPartyEvent> = {
  initialState: initialOcpiPartyState,
  decide: decideOcpiParty,
  evolve: evolveOcpiParty,
};
