import {
  ocpiLocationDecider,
  type OcpiLocationCommand,
} from '../../domain/ocpi-location/ocpi-location.decider';
import { ocpiLocationEventCodec } from '../../domain/ocpi-location/ocpi-location.events';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import { evolveOcpiLocationDocument } from '../../projections/ocpi/ocpi-location.projection';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

/** CiString ids: one Location per owner and case-folded id, whatever casing the CPO sends. */
export const ocpiLocationRef = (countryCode: string, partyId: string, locationId: string): string =>
  deterministicId('ocl', countryCode.toUpperCase(), partyId.toUpperCase(), locationId.toLowerCase());

export const ocpiLocationAggregate = {
  decider: ocpiLocationDecider,
  codec: ocpiLocationEventCodec,
  streamName: (locationRef: string) => `ocpi_location-${locationRef}`,
  view: evolveOcpiLocationDocument,
};

export const ocpiLocationService = (deps: { eventStore: EventStore }) => {
  const handler = commandHandlerFor(deps.eventStore, ocpiLocationAggregate);
  return {
    load: (locationRef: string) => handler.load(locationRef),
    run: (locationRef: string, command: OcpiLocationCommand, context: CommandContext) =>
      handler.handle(locationRef, command, context),
  };
};

export type OcpiLocationService = ReturnType<typeof ocpiLocationService>;
