import type { OcpiPartyCommand } from '../../domain/ocpi-party/ocpi-party.commands';
import { ocpiPartyDecider } from '../../domain/ocpi-party/ocpi-party.decider';
import { ocpiPartyEventCodec } from '../../domain/ocpi-party/ocpi-party.events';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { newId } from '../../infrastructure/ids';
import { evolveOcpiPartyDocument } from '../../projections/ocpi/ocpi-party.projection';
import { hashCredentialsToken, newCredentialsToken } from '../../ocpi/transport/credentials-token';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

export const ocpiPartyStreamName = (partyRef: string) => `ocpi_party-${partyRef}`;

export const ocpiPartyAggregate = {
  decider: ocpiPartyDecider,
  codec: ocpiPartyEventCodec,
  streamName: ocpiPartyStreamName,
  view: evolveOcpiPartyDocument,
};

export type CommandWithoutTime<Command> = Command extends unknown ? Omit<Command, 'now'> : never;

/** The OCPI peers and their credentials: one stream per peer platform (`ocpi_party-ocp_...`). */
export const ocpiPartyService = (deps: { eventStore: EventStore; clock: Clock }) => {
  const handler = commandHandlerFor(deps.eventStore, ocpiPartyAggregate);
  return {
    newPartyRef: () => newId('ocp'),
    load: (partyRef: string) => handler.load(partyRef),
    history: (partyRef: string) => handler.history(partyRef),
    run: (partyRef: string, command: CommandWithoutTime<OcpiPartyCommand>, context: CommandContext) =>
      handler.handle(
        partyRef,
        { ...command, now: deps.clock.now().toISOString() } as OcpiPartyCommand,
        context,
      ),

    /** A token A for a peer that will register with us; shown once, only its hash is kept. */
    async issueRegistrationToken(
      input: { name: string; acceptsUnencodedTokens: boolean },
      context: CommandContext,
    ): Promise<{ partyRef: string; token: string }> {
      const partyRef = newId('ocp');
      const token = newCredentialsToken();
      await handler.handle(
        partyRef,
        {
          type: 'IssueRegistrationToken',
          partyRef,
          name: input.name,
          registrationTokenHash: hashCredentialsToken(token),
          acceptsUnencodedTokens: input.acceptsUnencodedTokens,
          now: deps.clock.now().toISOString(),
        },
        context,
      );
      return { partyRef, token };
    },
  };
};

export type OcpiPartyService = ReturnType<typeof ocpiPartyService>;
