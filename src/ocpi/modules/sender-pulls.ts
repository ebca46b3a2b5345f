import type { CommandContext } from '../../commands/command-context';
import { ocpiLocationRef, type OcpiLocationService } from '../../commands/ocpi/ocpi-location.service';
import type { OcpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import type { TariffService } from '../../commands/tariffs/tariff.service';
import type { OcpiLocationObject } from '../../domain/ocpi-location/ocpi-location.events';
import type { OcpiTariff } from '../../domain/tariff/ocpi-tariff';
import type { SecretBox } from '../../webhooks/secret-box';
import type { OcpiClient } from '../client/ocpi-client';
import { pullPages } from '../client/pull-pages';
import { ocpiCorrelationId } from '../credentials/credentials-flows';
import { routingHeadersTo } from '../http/routing-headers';
import type { OurPlatform } from '../our-platform';
import { registeredEndpoint } from './registered-endpoint';
import { definitionOf, ocpiTariffOwner } from './tariffs-receiver';

export interface SenderPullDeps {
  parties: OcpiPartyService;
  locations: OcpiLocationService;
  tariffs: TariffService;
  client: OcpiClient;
  secretBox: SecretBox;
  us: OurPlatform;
}

/** Pulls from a CPO's sender interfaces (Locations, Tariffs), page by page, into what its pushes feed. */
export const senderPulls = (deps: SenderPullDeps) => {
  const pull = async <T extends { country_code: string; party_id: string }>(
    partyRef: string,
    module: 'locations' | 'tariffs',
    context: CommandContext,
  ) => {
    const { state, connection, endpoint } = await registeredEndpoint(
      deps.parties,
      partyRef,
      module,
      'SENDER',
    );
    const cpo = connection.roles.find((role) => role.role === 'CPO') ?? connection.roles[0];
    const items = await pullPages<T>(deps.client, {
      url: endpoint.url,
      token: deps.secretBox.decrypt(connection.outboundToken, partyRef),
      unencodedToken: state.acceptsUnencodedTokens,
      correlationId: ocpiCorrelationId(context),
      described: { version: connection.version, file: `${module}/sender-interface`, path: `/${module}` },
      ...(cpo ? { headers: routingHeadersTo(cpo, deps.us) } : {}),
    });
    // Only objects of the party's own roles: a sender cannot place objects under another party.
    const owned = items.filter((item) =>
      connection.roles.some(
        (role) =>
          role.countryCode === item.country_code.toUpperCase() &&
          role.partyId === item.party_id.toUpperCase(),
      ),
    );
    return { owned, skipped: items.length - owned.length };
  };

  return {
    async pullLocations(partyRef: string, context: CommandContext) {
      const { owned, skipped } = await pull<OcpiLocationObject & { country_code: string; party_id: string }>(
        partyRef,
        'locations',
        context,
      );
      for (const location of owned) {
        const countryCode = location.country_code.toUpperCase();
        const partyId = location.party_id.toUpperCase();
        const locationRef = ocpiLocationRef(countryCode, partyId, location.id);
        await deps.locations.run(
          locationRef,
          {
            type: 'StoreLocation',
            locationRef,
            partyRef,
            countryCode,
            partyId,
            location,
            source: 'pull',
            now: new Date().toISOString(),
          },
          context,
        );
      }
      return { stored: owned.length, skipped };
    },
    async pullTariffs(partyRef: string, context: CommandContext) {
      const { owned, skipped } = await pull<OcpiTariff>(partyRef, 'tariffs', context);
      for (const tariff of owned) {
        const merchantId = ocpiTariffOwner(tariff.country_code, tariff.party_id);
        await deps.tariffs.upsert(tariff.id, definitionOf(tariff), { merchantId }, context);
      }
      return { stored: owned.length, skipped };
    },
  };
};

export type SenderPulls = ReturnType<typeof senderPulls>;
