import type { OcpiPartyCommand } from '../../domain/ocpi-party/ocpi-party.commands';
import { ocpiPartyDecider } from '../../domain/ocpi-party/ocpi-party.decider';
import { ocpiPartyEventCodec } from '../../domain/ocpi-party/ocpi-party.events';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { newId } from '../../infrastructure/ids';
import { evolveOcpiPartyDocument } from '../../projections/ocpi/ocpi-party.projection';
import { hashCredentialsToken, newCredentialsToken } from '../../ocpi/transport/credentials-token';
import {
  ocpiPartyIdClaimDecider,
  ocpiPartyIdClaimEventCodec,
} from '../../domain/ocpi-party/ocpi-party-id-claim';
import type { OcpiRole } from '../../domain/ocpi-party/ocpi-party.events';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

export const ocpiPartyStreamName = (partyRef: string) => `ocpi_party-${partyRef}`;

export const ocpiPartyAggregate = {
  decider: ocpiPartyDecider,
  codec: ocpiPartyEventCodec,
  streamName: ocpiPartyStreamName,
  view: evolveOcpiPartyDocument,
};

const partyIdKey = (role: Pick<OcpiRole, 'countryCode' | 'partyId'>) =>
  `${role.countryCode.toUpperCase()}-${role.partyId.toUpperCase()}`;

const distinctPartyIds = (roles: readonly OcpiRole[]) => [
  ...new Map(roles.map((role) => [partyIdKey(role), role])).values(),
];

export type CommandWithoutTime<Command> = Command extends unknown ? Omit<Command, 'now'> : never;

/** The OCPI peers and their credentials: one stream per peer platform (`ocpi_party-ocp_...`). */
export const ocpiPartyService = (deps: { eventStore: EventStore; clock: Clock }) => {
  const handler = commandHandlerFor(deps.eventStore, ocpiPartyAggregate);
  const claims = commandHandlerFor(deps.eventStore, {
    decider: ocpiPartyIdClaimDecider,
    codec: ocpiPartyIdClaimEventCodec,
    streamName: (key: string) => `ocpi_party_id-${key}`,
  });
  const claimRun = (
    type: 'ClaimPartyId' | 'ReleasePartyId',
    partyRef: string,
    role: OcpiRole,
    context: CommandContext,
  ) =>
    claims.handle(
      partyIdKey(role),
      {
        type,
        countryCode: role.countryCode.toUpperCase(),
        partyId: role.partyId.toUpperCase(),
        partyRef,
        now: deps.clock.now().toISOString(),
      },
      context,
    );
  return {
    /**
     * Takes every country code + party id of `roles` for the party (refused with `ocpi_party_id_taken`
     * when another party holds one) and lets go of those in `previous` it no longer names. A refusal
     * releases what this call took, so the party is left as it was.
     */
    async claimPartyIds(
      partyRef: string,
      roles: readonly OcpiRole[],
      previous: readonly OcpiRole[],
      context: CommandContext,
    ): Promise<void> {
      const taken: OcpiRole[] = [];
      const held = new Set(previous.map(partyIdKey));
      try {
        for (const role of distinctPartyIds(roles)) {
          await claimRun('ClaimPartyId', partyRef, role, context);
          if (!held.has(partyIdKey(role))) taken.push(role);
        }
      } catch (error) {
        for (const role of taken) await claimRun('ReleasePartyId', partyRef, role, context);
        throw error;
      }
      const kept = new Set(roles.map(partyIdKey));
      for (const role of distinctPartyIds(previous)) {
        if (!kept.has(partyIdKey(role))) await claimRun('ReleasePartyId', partyRef, role, context);
      }
    },
    async releasePartyIds(partyRef: string, roles: readonly OcpiRole[], context: CommandContext) {
      for (const role of distinctPartyIds(roles)) await claimRun('ReleasePartyId', partyRef, role, context);
    },
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
