import { z } from 'zod';
import { currencySchema, minorUnitsSchema } from '../shared/money';
import { decimal } from './rational';

/**
 * The OCPI 2.2.1 Tariff model (mod_tariffs.asciidoc) in EdgePay's camelCase, plus OCPI 2.3.0's
 * `preauthorizeAmount`. Unit prices stay OCPI decimals (major units per kWh, per hour, or per session,
 * excluding VAT, at most 4 decimals); amounts (min/max price, pre-authorization) are integer minor units.
 */
export const TARIFF_DIMENSIONS = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export type TariffDimension = (typeof TARIFF_DIMENSIONS)[number];

export const DAYS_OF_WEEK = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const TARIFF_TYPES = [
  'AD_HOC_PAYMENT',
  'PROFILE_CHEAP',
  'PROFILE_FAST',
  'PROFILE_GREEN',
  'REGULAR',
] as const;

export const RESERVATION_RESTRICTIONS = ['RESERVATION', 'RESERVATION_EXPIRES'] as const;

const MAX_DECIMALS = 4;
const hasAtMostDecimals = (value: number): boolean => {
  try {
    return 10n ** BigInt(MAX_DECIMALS) % decimal(value).d === 0n;
  } catch {
    return false;
  }
};

/** OCPI `number`: at most 4 decimals, checked on the decimal as written. */
const ocpiNumber = (maximum: number) =>
  z
    .number()
    .nonnegative()
    .max(maximum)
    .refine(hasAtMostDecimals, `must have at most ${MAX_DECIMALS} decimals`);

const timeOfDay = z.string().regex(/^([0-1][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24h)');
const localDate = z
  .string()
  .regex(/^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'must be YYYY-MM-DD');

export const priceComponentSchema = z.strictObject({
  type: z.enum(TARIFF_DIMENSIONS),
  /** Per kWh (ENERGY), per hour (TIME, PARKING_TIME) or per session (FLAT), excluding VAT. */
  price: ocpiNumber(1_000_000),
  /** Percent. Absent: the gateway's configured VAT rate applies (VAT_RATE_PERCENT, 20 in Turkey). */
  vat: ocpiNumber(100).optional(),
  /** Wh for ENERGY, seconds for TIME and PARKING_TIME; 0 bills the exact amount. */
  stepSize: z.number().int().min(0).max(1_000_000_000),
});
export type PriceComponent = z.infer<typeof priceComponentSchema>;

export const tariffRestrictionsSchema = z.strictObject({
  startTime: timeOfDay.optional(),
  endTime: timeOfDay.optional(),
  startDate: localDate.optional(),
  endDate: localDate.optional(),
  minKwh: ocpiNumber(1_000_000).optional(),
  maxKwh: ocpiNumber(1_000_000).optional(),
  minCurrent: ocpiNumber(100_000).optional(),
  maxCurrent: ocpiNumber(100_000).optional(),
  minPower: ocpiNumber(100_000).optional(),
  maxPower: ocpiNumber(100_000).optional(),
  minDuration: z.number().int().min(0).max(1_000_000_000).optional(),
  maxDuration: z.number().int().min(0).max(1_000_000_000).optional(),
  dayOfWeek: z.array(z.enum(DAYS_OF_WEEK)).max(7).optional(),
  reservation: z.enum(RESERVATION_RESTRICTIONS).optional(),
});
export type TariffRestrictions = z.infer<typeof tariffRestrictionsSchema>;

export const tariffElementSchema = z.strictObject({
  priceComponents: z.array(priceComponentSchema).min(1).max(20),
  restrictions: tariffRestrictionsSchema.optional(),
});
export type TariffElement = z.infer<typeof tariffElementSchema>;

export const priceLimitSchema = z
  .strictObject({ exclVat: minorUnitsSchema, inclVat: minorUnitsSchema.optional() })
  .refine((limit) => limit.inclVat === undefined || limit.inclVat >= limit.exclVat, {
    message: 'inclVat cannot be below exclVat',
    path: ['inclVat'],
  });
export type PriceLimit = z.infer<typeof priceLimitSchema>;

/** What a merchant defines; the aggregate adds its id, owner and times. */
export const tariffDefinitionSchema = z
  .strictObject({
    currency: currencySchema,
    type: z.enum(TARIFF_TYPES).optional(),
    tariffAltText: z
      .array(z.strictObject({ language: z.string().min(2).max(2), text: z.string().min(1).max(512) }))
      .max(10)
      .optional(),
    tariffAltUrl: z.url().max(255).optional(),
    minPrice: priceLimitSchema.optional(),
    maxPrice: priceLimitSchema.optional(),
    /** OCPI 2.3.0: what a payment terminal must pre-authorize for a session on this tariff, minor units. */
    preauthorizeAmount: minorUnitsSchema.optional(),
    elements: z.array(tariffElementSchema).min(1).max(50),
    startDateTime: z.iso.datetime().optional(),
    endDateTime: z.iso.datetime().optional(),
  })
  .refine(
    (tariff) => !tariff.minPrice || !tariff.maxPrice || tariff.minPrice.exclVat <= tariff.maxPrice.exclVat,
    { message: 'minPrice cannot exceed maxPrice', path: ['minPrice'] },
  )
  .refine(
    (tariff) =>
      !tariff.startDateTime ||
      !tariff.endDateTime ||
      Date.parse(tariff.startDateTime) < Date.parse(tariff.endDateTime),
    { message: 'startDateTime must be before endDateTime', path: ['endDateTime'] },
  );
export type TariffDefinition = z.infer<typeof tariffDefinitionSchema>;
