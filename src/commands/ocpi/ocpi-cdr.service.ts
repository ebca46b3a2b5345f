import { ocpiCdrDecider, type ReceiveCdr } from '../../domain/ocpi-cdr/ocpi-cdr.decider';
import { ocpiCdrEventCodec } from '../../domain/ocpi-cdr/ocpi-cdr.events';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

/** One CDR per owner and case-folded id (CiString). */
export const ocpiCdrRef = (countryCode: string, partyId: string, cdrId: string): string =>
  deterministicId('ocd', countryCode.toUpperCase(), partyId.toUpperCase(), cdrId.toLowerCase());

export const ocpiCdrAggregate = {
  decider: ocpiCdrDecider,
  codec: ocpiCdrEventCodec,
  streamName: (cdrRef: string) => `ocpi_cdr-${cdrRef}`,
};

export const ocpiCdrService = (deps: { eventStore: EventStore }) => {
  const handler = commandHandlerFor(deps.eventStore, ocpiCdrAggregate);
  return {
    load: (cdrRef: string) => handler.load(cdrRef),
    receive: (command: ReceiveCdr, context: CommandContext) =>
      handler.handle(command.received.cdrRef, command, context),
  };
};

export type OcpiCdrService = ReturnType<typeof ocpiCdrService>;
