import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();
const claim = { countryCode: z.string().length(2), partyId: z.string().length(3), partyRef: z.string() };

/**
 * Who holds a country code + party id among our registered peers: one stream per pair, so two
 * registrations racing for it are ordered by the store, and only one party ever answers for it.
 */
export const ocpiPartyIdClaimEventSchemas = {
  OcpiPartyIdClaimed: z.object({ ...claim, claimedAt: timestamp }),
  OcpiPartyIdReleased: z.object({ ...claim, releasedAt: timestamp }),
} as const;

export type OcpiPartyIdClaimEvent = EventsOf<typeof ocpiPartyIdClaimEventSchemas>;
export const ocpiPartyIdClaimEventCodec = zodEventCodec(ocpiPartyIdClaimEventSchemas);

export interface OcpiPartyIdClaimState {
  holder: string | null;
}

export type OcpiPartyIdClaimCommand = {
  countryCode: string;
  partyId: string;
  partyRef: string;
  now: string;
} & {
  type: 'ClaimPartyId' | 'ReleasePartyId';
};

/** Claiming what one holds already, or releasing what one does not hold, changes nothing. */
export const ocpiPartyIdClaimDecider: Decider<
  OcpiPartyIdClaimState,
  OcpiPartyIdClaimCommand,
  OcpiPartyIdClaimEvent
> = {
  initialState: () => ({ holder: null }),
  decide: (command, state) => {
    const { countryCode, partyId, partyRef, now } = command;
    if (command.type === 'ReleasePartyId') {
      return state.holder === partyRef
        ? [{ type: 'OcpiPartyIdReleased', data: { countryCode, partyId, partyRef, releasedAt: now } }]
        : [];
    }
    if (state.holder === partyRef) return [];
    if (state.holder !== null) {
      throw conflict('ocpi_party_id_taken', `${countryCode} ${partyId} is registered to another party`);
    }
    return [{ type: 'OcpiPartyIdClaimed', data: { countryCode, partyId, partyRef, claimedAt: now } }];
  },
  evolve: (_state, event) => ({
    holder: event.type === 'OcpiPartyIdClaimed' ? event.data.partyRef : null,
  }),
};
