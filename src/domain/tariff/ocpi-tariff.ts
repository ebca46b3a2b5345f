import { SUPPORTED_CURRENCIES, type Currency } from '../shared/money';
import { decimal, int, mul, roundHalfUp } from './rational';
import {
  tariffDefinitionSchema,
  type PriceLimit,
  type TariffDefinition,
  type TariffRestrictions,
} from './tariff.model';

/** The OCPI 2.2.1 Tariff object as it travels (snake_case, decimal prices); 2.3.0 adds preauthorize_amount. */
export interface OcpiTariff {
  country_code: string;
  party_id: string;
  id: string;
  currency: string;
  type?: string;
  tariff_alt_text?: { language: string; text: string }[];
  tariff_alt_url?: string;
  min_price?: { excl_vat: number; incl_vat?: number };
  max_price?: { excl_vat: number; incl_vat?: number };
  preauthorize_amount?: number;
  elements: {
    price_components: { type: string; price: number; vat?: number; step_size: number }[];
    restrictions?: Record<string, unknown>;
  }[];
  start_date_time?: string;
  end_date_time?: string;
  last_updated?: string;
}

const RESTRICTION_NAMES: Record<string, keyof TariffRestrictions> = {
  start_time: 'startTime',
  end_time: 'endTime',
  start_date: 'startDate',
  end_date: 'endDate',
  min_kwh: 'minKwh',
  max_kwh: 'maxKwh',
  min_current: 'minCurrent',
  max_current: 'maxCurrent',
  min_power: 'minPower',
  max_power: 'maxPower',
  min_duration: 'minDuration',
  max_duration: 'maxDuration',
  day_of_week: 'dayOfWeek',
  reservation: 'reservation',
};
const OCPI_RESTRICTION_NAMES = Object.fromEntries(
  Object.entries(RESTRICTION_NAMES).map(([ocpi, ours]) => [ours, ocpi]),
);

const exponent = (currency: string): number => SUPPORTED_CURRENCIES[currency as Currency] ?? 2;

const toMinor = (amount: number, currency: string): number =>
  Number(roundHalfUp(mul(decimal(amount), int(10 ** exponent(currency)))));

/** OCPI numbers are decimals: 1234 kuruş -> 12.34. */
const toMajor = (amount: number, currency: string): number => amount / 10 ** exponent(currency);

const limitFromOcpi = (limit: OcpiTariff['min_price'], currency: string): PriceLimit | undefined =>
  limit && {
    exclVat: toMinor(limit.excl_vat, currency),
    ...(limit.incl_vat === undefined ? {} : { inclVat: toMinor(limit.incl_vat, currency) }),
  };

/** An OCPI Tariff as an EdgePay tariff definition; throws (zod) when it is not a valid tariff. */
export const tariffFromOcpi = (ocpi: OcpiTariff): { id: string; definition: TariffDefinition } => {
  const { currency } = ocpi;
  const minPrice = limitFromOcpi(ocpi.min_price, currency);
  const maxPrice = limitFromOcpi(ocpi.max_price, currency);
  const definition = {
    currency,
    ...(ocpi.type ? { type: ocpi.type } : {}),
    ...(ocpi.tariff_alt_text ? { tariffAltText: ocpi.tariff_alt_text } : {}),
    ...(ocpi.tariff_alt_url ? { tariffAltUrl: ocpi.tariff_alt_url } : {}),
    ...(minPrice ? { minPrice } : {}),
    ...(maxPrice ? { maxPrice } : {}),
    ...(ocpi.preauthorize_amount === undefined
      ? {}
      : { preauthorizeAmount: toMinor(ocpi.preauthorize_amount, currency) }),
    elements: ocpi.elements.map((element) => ({
      priceComponents: element.price_components.map(({ type, price, vat, step_size }) => ({
        type,
        price,
        ...(vat === undefined ? {} : { vat }),
        stepSize: step_size,
      })),
      ...(element.restrictions
        ? {
            restrictions: Object.fromEntries(
              Object.entries(element.restrictions).map(([name, value]) => [
                RESTRICTION_NAMES[name] ?? name,
                value,
              ]),
            ),
          }
        : {}),
    })),
    ...(ocpi.start_date_time ? { startDateTime: ocpi.start_date_time } : {}),
    ...(ocpi.end_date_time ? { endDateTime: ocpi.end_date_time } : {}),
  };
  return { id: ocpi.id, definition: tariffDefinitionSchema.parse(definition) };
};

const limitToOcpi = (limit: PriceLimit | undefined, currency: string) =>
  limit && {
    excl_vat: toMajor(limit.exclVat, currency),
    ...(limit.inclVat === undefined ? {} : { incl_vat: toMajor(limit.inclVat, currency) }),
  };

/** For the OCPI module: an EdgePay tariff in OCPI's shape, owned by the given party. */
export const tariffToOcpi = (
  party: { countryCode: string; partyId: string },
  tariff: { id: string; definition: TariffDefinition; updatedAt: string },
): OcpiTariff => {
  const { definition } = tariff;
  const minPrice = limitToOcpi(definition.minPrice, definition.currency);
  const maxPrice = limitToOcpi(definition.maxPrice, definition.currency);
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: tariff.id,
    currency: definition.currency,
    ...(definition.type ? { type: definition.type } : {}),
    ...(definition.tariffAltText ? { tariff_alt_text: definition.tariffAltText } : {}),
    ...(definition.tariffAltUrl ? { tariff_alt_url: definition.tariffAltUrl } : {}),
    ...(minPrice ? { min_price: minPrice } : {}),
    ...(maxPrice ? { max_price: maxPrice } : {}),
    ...(definition.preauthorizeAmount === undefined
      ? {}
      : { preauthorize_amount: toMajor(definition.preauthorizeAmount, definition.currency) }),
    elements: definition.elements.map((element) => ({
      price_components: element.priceComponents.map(({ type, price, vat, stepSize }) => ({
        type,
        price,
        ...(vat === undefined ? {} : { vat }),
        step_size: stepSize,
      })),
      ...(element.restrictions
        ? {
            restrictions: Object.fromEntries(
              Object.entries(element.restrictions).map(([name, value]) => [
                OCPI_RESTRICTION_NAMES[name] ?? name,
                value,
              ]),
            ),
          }
        : {}),
    })),
    ...(definition.startDateTime ? { start_date_time: definition.startDateTime } : {}),
    ...(definition.endDateTime ? { end_date_time: definition.endDateTime } : {}),
    last_updated: tariff.updatedAt,
  };
};
