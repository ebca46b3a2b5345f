import { SUPPORTED_CURRENCIES, type Currency } from '../shared/money';
import { decimal, int, mul, roundHalfUp } from '../tariff/rational';
import type { SessionUsage, UsagePeriod } from '../tariff/session-segments';

/** The parts of an OCPI CDR the reconciliation reads. */
export interface OcpiCdrCosting {
  start_date_time: string;
  end_date_time: string;
  currency: string;
  total_cost: OcpiPrice;
  charging_periods: {
    start_date_time: string;
    dimensions: { type: string; volume: number }[];
    tariff_id?: string;
  }[];
}

/** OCPI 2.2.1 Price (excl_vat, incl_vat) or 2.3.0 Price (before_taxes, taxes). */
export type OcpiPrice =
  | { excl_vat: number; incl_vat?: number }
  | { before_taxes: number; taxes?: { name: string; percentage?: number; amount: number }[] };

/** A Price in minor units, whichever version wrote it; without its taxes stated, the total is the net. */
export const priceInMinor = (price: OcpiPrice, currency: string): { exclVat: number; inclVat: number } => {
  if ('excl_vat' in price) {
    return {
      exclVat: ocpiAmountToMinor(price.excl_vat, currency),
      inclVat: ocpiAmountToMinor(price.incl_vat ?? price.excl_vat, currency),
    };
  }
  const exclVat = ocpiAmountToMinor(price.before_taxes, currency);
  const taxes = (price.taxes ?? []).reduce((sum, tax) => sum + ocpiAmountToMinor(tax.amount, currency), 0);
  return { exclVat, inclVat: exclVat + taxes };
};

const utc = (value: string) => new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString();

/** An OCPI amount (a decimal of major units) in minor units, exactly: 12.345 TRY is 1235 kuruş. */
export const ocpiAmountToMinor = (amount: number, currency: string): number =>
  Number(roundHalfUp(mul(decimal(amount), int(10 ** (SUPPORTED_CURRENCIES[currency as Currency] ?? 2)))));

/**
 * The CDR's charging periods as the tariff engine's usage: each period lasts until the next one starts
 * (the last until the CDR ends); its ENERGY volume (kWh) is its energy, none makes it parking.
 */
export const usageOfCdr = (cdr: OcpiCdrCosting): SessionUsage => {
  const periods = [...cdr.charging_periods].sort((a, b) =>
    utc(a.start_date_time).localeCompare(utc(b.start_date_time)),
  );
  const usagePeriods: UsagePeriod[] = periods.map((period, index) => {
    const energyKwh = period.dimensions.find((dimension) => dimension.type === 'ENERGY')?.volume ?? 0;
    const power = period.dimensions.find(
      (dimension) => dimension.type === 'MAX_POWER' || dimension.type === 'MIN_POWER',
    );
    return {
      startAt: utc(period.start_date_time),
      endAt: utc(periods[index + 1]?.start_date_time ?? cdr.end_date_time),
      energyWh: Number(roundHalfUp(mul(decimal(energyKwh), int(1000)))),
      ...(power ? { powerKw: power.volume } : {}),
    };
  });
  return { startedAt: utc(cdr.start_date_time), periods: usagePeriods };
};
