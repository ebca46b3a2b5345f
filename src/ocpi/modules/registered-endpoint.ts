import type { OcpiPartyService } from '../../commands/ocpi/ocpi-party.service';
import { methodNotAllowed, noMatchingEndpoints } from '../transport/ocpi-errors';

/** A registered party's endpoint for one module and interface role; an OCPI error when it has none. */
export const registeredEndpoint = async (
  parties: OcpiPartyService,
  partyRef: string,
  identifier: string,
  role: 'SENDER' | 'RECEIVER',
) => {
  const { state } = await parties.load(partyRef);
  if (state.status !== 'registered') throw methodNotAllowed(`${partyRef} is not registered`);
  const endpoint = state.connection.endpoints.find(
    (candidate) => candidate.identifier === identifier && candidate.role === role,
  );
  if (!endpoint) {
    throw noMatchingEndpoints(`the party has no ${identifier} ${role.toLowerCase()} endpoint`);
  }
  return { state, connection: state.connection, endpoint };
};
