import type { CommandContext } from '../../commands/command-context';
import type { OcpiRequest } from '../http/ocpi-app';
import { invalidParameters, unknownObject } from '../transport/ocpi-errors';

/**
 * A client-owned object's URL names its owner ({country_code}/{party_id}): it must be one of the caller's
 * roles, else 404 (transport_and_format.asciidoc, "Errors": blocks access to others' objects).
 */
export const ownerOf = (request: OcpiRequest) => {
  const countryCode = String(request.operation.pathParams.country_code).toUpperCase();
  const partyId = String(request.operation.pathParams.party_id).toUpperCase();
  const role = request.caller.party.roles.find(
    (candidate) => candidate.countryCode === countryCode && candidate.partyId === partyId,
  );
  if (!role) throw unknownObject(`${countryCode}/${partyId} is not a party of this credentials token`);
  return { countryCode, partyId, partyRef: request.caller.party._id };
};

/** The object pushed must be the one the URL names (CiString ids compared case-insensitively): else 2001. */
export const assertSameObject = (
  body: { id?: unknown; uid?: unknown; country_code?: unknown; party_id?: unknown },
  expected: { id: string; countryCode?: string; partyId?: string },
): void => {
  const id = body.id ?? body.uid;
  if (typeof id !== 'string' || id.toLowerCase() !== expected.id.toLowerCase()) {
    throw invalidParameters(`the object's id ${String(id)} is not ${expected.id} of the URL`);
  }
  if (expected.countryCode && String(body.country_code).toUpperCase() !== expected.countryCode) {
    throw invalidParameters('country_code differs from the URL');
  }
  if (expected.partyId && String(body.party_id).toUpperCase() !== expected.partyId) {
    throw invalidParameters('party_id differs from the URL');
  }
};

export const peerContext = (request: OcpiRequest): CommandContext => ({
  correlationId: request.correlationId,
  actor: { id: request.caller.party._id, kind: 'ocpi_party' },
});
