import { ocpiPartyDecider } from '../../../src/domain/ocpi-party/ocpi-party.decider';
import type { OcpiConnection, OcpiPartyEvent } from '../../../src/domain/ocpi-party/ocpi-party.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiPartyDecider);
const now = '2026-01-01T00:00:00.000Z';
const hash = (digit: string) => digit.repeat(64);
const encrypted = { alg: 'A256GCM' as const, keyId: '0123abcd', iv: 'aXY=', ciphertext: 'Yw==', tag: 'dA==' };
const connection: OcpiConnection = {
  version: '2.2.1',
  versionsUrl: 'https://cpo.example/ocpi/versions',
  roles: [{ role: 'CPO', countryCode: 'NL', partyId: 'CPO', businessName: 'CPO' }],
  endpoints: [
    { identifier: 'credentials', role: 'SENDER', url: 'https://cpo.example/ocpi/2.2.1/credentials' },
  ],
  inboundTokenHash: hash('c'),
  outboundToken: encrypted,
};
const issued: OcpiPartyEvent = {
  type: 'OcpiRegistrationTokenIssued',
  data: {
    partyRef: 'ocp_1',
    name: 'cpo',
    registrationTokenHash: hash('a'),
    acceptsUnencodedTokens: false,
    issuedAt: now,
  },
};
const registered: OcpiPartyEvent = {
  type: 'OcpiPartyRegistered',
  data: { partyRef: 'ocp_1', direction: 'inbound', ...connection, registeredAt: now },
};

describe('OCPI party decider', () => {
  it('registers a party that holds a token A, once', () => {
    given([issued])
      .when({ type: 'CompleteRegistration', direction: 'inbound', connection, now })
      .then([registered]);
    given([issued, registered])
      .when({ type: 'CompleteRegistration', direction: 'inbound', connection, now })
      .thenRefuses('ocpi_already_registered', 'conflict');
  });

  it('completes an outbound registration only after it started', () => {
    given([issued])
      .when({ type: 'CompleteRegistration', direction: 'outbound', connection, now })
      .thenRefuses('ocpi_party_not_found', 'not_found');
  });

  it('re-rolls and unregisters only a registered party', () => {
    for (const command of [
      { type: 'UpdateCredentials' as const, initiatedBy: 'peer' as const, connection, now },
      { type: 'Unregister' as const, initiatedBy: 'peer' as const, now },
      { type: 'StartCredentialsUpdate' as const, pendingTokenHash: hash('b'), now },
    ]) {
      given([issued]).when(command).thenRefuses('ocpi_not_registered', 'conflict');
    }
    given([issued, registered])
      .when({ type: 'Unregister', initiatedBy: 'us', now })
      .then([
        {
          type: 'OcpiPartyUnregistered',
          data: { partyRef: 'ocp_1', initiatedBy: 'us', unregisteredAt: now },
        },
      ]);
  });

  it('never issues a second token A on one party', () => {
    given([issued])
      .when({
        type: 'IssueRegistrationToken',
        partyRef: 'ocp_1',
        name: 'again',
        registrationTokenHash: hash('d'),
        acceptsUnencodedTokens: false,
        now,
      })
      .thenRefuses('ocpi_party_exists', 'conflict');
  });
});
