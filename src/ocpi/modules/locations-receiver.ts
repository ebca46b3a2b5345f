import { ocpiLocationRef, type OcpiLocationService } from '../../commands/ocpi/ocpi-location.service';
import type { OcpiLocationObject } from '../../domain/ocpi-location/ocpi-location.events';
import type { OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import { unknownLocation, unknownObject } from '../transport/ocpi-errors';
import { assertSameObject, ownerOf, peerContext } from './owner';

type Evse = NonNullable<OcpiLocationObject['evses']>[number];

const sameId = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** The Locations receiver interface (we are the eMSP side): the CPO pushes Locations, EVSEs and statuses. */
export const locationsReceiver = (locations: OcpiLocationService): OcpiHandlers => {
  const target = (request: OcpiRequest) => {
    const owner = ownerOf(request);
    const {
      location_id: locationId,
      evse_uid: evseUid,
      connector_id: connectorId,
    } = request.operation.pathParams;
    return {
      owner,
      locationId: String(locationId),
      evseUid,
      connectorId,
      locationRef: ocpiLocationRef(owner.countryCode, owner.partyId, String(locationId)),
    };
  };
  const storedLocation = async (locationRef: string) => {
    const { state } = await locations.load(locationRef);
    if (state.status !== 'stored') throw unknownLocation('no such location');
    return state.location;
  };
  const evseOf = (location: OcpiLocationObject, uid: string) => {
    const evse = location.evses?.find((candidate) => sameId(candidate.uid, uid));
    if (!evse) throw unknownObject(`no EVSE ${uid}`);
    return evse;
  };

  const patch = async (request: OcpiRequest) => {
    const { locationRef, evseUid, connectorId } = target(request);
    await locations.run(
      locationRef,
      {
        type: 'PatchLocation',
        patch: request.body as Record<string, unknown> & { last_updated: string },
        ...(evseUid === undefined ? {} : { evseUid }),
        ...(connectorId === undefined ? {} : { connectorId }),
        now: request.now.toISOString(),
      },
      peerContext(request),
    );
    return {};
  };

  return {
    receiverGetLocation: async (request) => ({ data: await storedLocation(target(request).locationRef) }),
    receiverGetEvse: async (request) => {
      const { locationRef, evseUid } = target(request);
      return { data: evseOf(await storedLocation(locationRef), String(evseUid)) };
    },
    receiverGetConnector: async (request) => {
      const { locationRef, evseUid, connectorId } = target(request);
      const evse = evseOf(await storedLocation(locationRef), String(evseUid));
      const connector = evse.connectors.find((candidate) => sameId(candidate.id, String(connectorId)));
      if (!connector) throw unknownObject(`no connector ${connectorId}`);
      return { data: connector };
    },
    receiverPutLocation: async (request) => {
      const { owner, locationId, locationRef } = target(request);
      const location = request.body as OcpiLocationObject;
      assertSameObject(location, { id: locationId, countryCode: owner.countryCode, partyId: owner.partyId });
      const { state } = await locations.load(locationRef);
      await locations.run(
        locationRef,
        {
          type: 'StoreLocation',
          ...owner,
          locationRef,
          location,
          source: 'put',
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      return { httpStatus: state.status === 'stored' ? 200 : 201 };
    },
    receiverPutEvse: async (request) => {
      const { owner, locationRef, evseUid } = target(request);
      const evse = request.body as Evse;
      assertSameObject(evse, { id: String(evseUid) });
      const location = await storedLocation(locationRef);
      const known = location.evses?.some((candidate) => sameId(candidate.uid, evse.uid)) ?? false;
      const evses = known
        ? (location.evses ?? []).map((candidate) => (sameId(candidate.uid, evse.uid) ? evse : candidate))
        : [...(location.evses ?? []), evse];
      await locations.run(
        locationRef,
        {
          type: 'StoreLocation',
          ...owner,
          locationRef,
          location: { ...location, evses, last_updated: String(evse.last_updated) },
          source: 'put',
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      return { httpStatus: known ? 200 : 201 };
    },
    receiverPatchLocation: patch,
    receiverPatchEvse: patch,
    receiverPatchConnector: patch,
  };
};
