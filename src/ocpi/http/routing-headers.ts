import type { OcpiRole } from '../../domain/ocpi-party/ocpi-party.events';
import { invalidParameters } from '../transport/ocpi-errors';

export interface OcpiIdentity {
  countryCode: string;
  partyId: string;
}

const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/**
 * The four message routing headers (transport_and_format.asciidoc) on a functional module: optional
 * between two single-party platforms, but when present, `OCPI-from-*` must be one of the caller's roles
 * and `OCPI-to-*` must be us. Both are CiStrings: compared case-insensitively.
 */
export const checkRoutingHeaders = (
  headers: Record<string, string | undefined>,
  callerRoles: readonly OcpiRole[],
  us: OcpiIdentity,
): void => {
  const fromCountry = headers['ocpi-from-country-code'];
  const fromParty = headers['ocpi-from-party-id'];
  const toCountry = headers['ocpi-to-country-code'];
  const toParty = headers['ocpi-to-party-id'];
  if (
    (fromCountry === undefined) !== (fromParty === undefined) ||
    (toCountry === undefined) !== (toParty === undefined)
  ) {
    throw invalidParameters('routing headers come in pairs: country code and party id');
  }
  if (
    fromCountry !== undefined &&
    fromParty !== undefined &&
    !callerRoles.some((role) => same(role.countryCode, fromCountry) && same(role.partyId, fromParty))
  ) {
    throw invalidParameters(`OCPI-from ${fromCountry}/${fromParty} is not a party of this credentials token`);
  }
  if (
    toCountry !== undefined &&
    toParty !== undefined &&
    !(same(toCountry, us.countryCode) && same(toParty, us.partyId))
  ) {
    throw invalidParameters(`OCPI-to ${toCountry}/${toParty} is not this platform`);
  }
};

/** The headers we put on a request to a functional module of a peer's role. */
export const routingHeadersTo = (to: OcpiIdentity, from: OcpiIdentity): Record<string, string> => ({
  'OCPI-from-country-code': from.countryCode,
  'OCPI-from-party-id': from.partyId,
  'OCPI-to-country-code': to.countryCode,
  'OCPI-to-party-id': to.partyId,
});
