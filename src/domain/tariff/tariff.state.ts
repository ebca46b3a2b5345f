import type { TariffEvent } from './tariff.events';
import type { TariffDefinition } from './tariff.model';

interface Identity {
  tariffId: string;
  merchantId: string;
}

export type TariffState =
  | { status: 'empty' }
  | ({ status: 'active'; definition: TariffDefinition; createdAt: string; updatedAt: string } & Identity)
  | ({ status: 'deleted'; deletedAt: string } & Identity);

export const initialTariffState = (): TariffState => ({ status: 'empty' });

export const evolveTariff = (state: TariffState, event: TariffEvent): TariffState => {
  switch (event.type) {
    case 'TariffUpserted': {
      const { tariffId, merchantId, definition, updatedAt } = event.data;
      const createdAt = state.status === 'active' ? state.createdAt : updatedAt;
      return { status: 'active', tariffId, merchantId, definition, createdAt, updatedAt };
    }
    case 'TariffDeleted': {
      const { tariffId, merchantId, deletedAt } = event.data;
      return { status: 'deleted', tariffId, merchantId, deletedAt };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown tariff event ${JSON.stringify(unreachable)}`);
    }
  }
};
