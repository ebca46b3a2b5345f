import type { TariffDefinition } from './tariff.model';

interface CommandBase {
  now: string;
}

export interface UpsertTariff extends CommandBase {
  type: 'UpsertTariff';
  tariffId: string;
  merchantId: string;
  definition: TariffDefinition;
}

export interface DeleteTariff extends CommandBase {
  type: 'DeleteTariff';
}

export type TariffCommand = UpsertTariff | DeleteTariff;
