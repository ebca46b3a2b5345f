import { ocpiPartyIdClaimDecider } from '../../../src/domain/ocpi-party/ocpi-party-id-claim';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiPartyIdClaimDecider);
const now = '2026-03-02T12:00:00.000Z';
const command = (type: 'ClaimPartyId' | 'ReleasePartyId', partyRef: string) => ({
  type,
  countryCode: 'TR',
  partyId: 'CPO',
  partyRef,
  now,
});
const claimed = (partyRef: string) => ({
  type: 'OcpiPartyIdClaimed' as const,
  data: { countryCode: 'TR', partyId: 'CPO', partyRef, claimedAt: now },
});

describe('OCPI party id claim: one registered party per country code + party id', () => {
  it('a free id is claimed; claimed again by its holder changes nothing', () => {
    given([])
      .when(command('ClaimPartyId', 'ocp_a'))
      .then([claimed('ocp_a')]);
    given([claimed('ocp_a')])
      .when(command('ClaimPartyId', 'ocp_a'))
      .then([]);
  });

  it('another party is refused while the holder keeps it', () => {
    given([claimed('ocp_a')])
      .when(command('ClaimPartyId', 'ocp_b'))
      .thenRefuses('ocpi_party_id_taken', 'conflict');
  });

  it('only the holder releases it; then another may claim it', () => {
    given([claimed('ocp_a')])
      .when(command('ReleasePartyId', 'ocp_b'))
      .then([]);
    given([claimed('ocp_a')])
      .when(command('ReleasePartyId', 'ocp_a'))
      .then([
        {
          type: 'OcpiPartyIdReleased',
          data: { countryCode: 'TR', partyId: 'CPO', partyRef: 'ocp_a', releasedAt: now },
        },
      ]);
    given([
      claimed('ocp_a'),
      {
        type: 'OcpiPartyIdReleased',
        data: { countryCode: 'TR', partyId: 'CPO', partyRef: 'ocp_a', releasedAt: now },
      },
    ])
      .when(command('ClaimPartyId', 'ocp_b'))
      .then([claimed('ocp_b')]);
  });
});
