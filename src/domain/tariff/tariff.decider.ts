import { isDeepStrictEqual } from 'node:util';
import type { Decider } from '../shared/decider';
import { notFound } from '../shared/domain-error';
import type { DeleteTariff, TariffCommand, UpsertTariff } from './tariff.commands';
import type { TariffEvent } from './tariff.events';
import { evolveTariff, initialTariffState, type TariffState } from './tariff.state';

/** A PUT of the definition already in force changes nothing: no event, same version. */
const upsert = (command: UpsertTariff, state: TariffState): TariffEvent[] => {
  if (state.status === 'active' && isDeepStrictEqual(state.definition, command.definition)) return [];
  return [
    {
      type: 'TariffUpserted',
      data: {
        tariffId: command.tariffId,
        merchantId: command.merchantId,
        definition: command.definition,
        updatedAt: command.now,
      },
    },
  ];
};

const remove = (command: DeleteTariff, state: TariffState): TariffEvent[] => {
  if (state.status !== 'active') throw notFound('tariff_not_found', 'no such tariff');
  return [
    {
      type: 'TariffDeleted',
      data: { tariffId: state.tariffId, merchantId: state.merchantId, deletedAt: command.now },
    },
  ];
};

export const decideTariff = (command: TariffCommand, state: TariffState): TariffEvent[] => {
  switch (command.type) {
    case 'UpsertTariff':
      return upsert(command, state);
    case 'DeleteTariff':
      return remove(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown tariff command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const tariffDecider: Decider<TariffState, TariffCommand, TariffEvent> = {
  initialState: initialTariffState,
  decide: decideTariff,
  evolve: evolveTariff,
};
