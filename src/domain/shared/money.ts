import { z } from 'zod';

/** ISO 4217 currencies the gateway settles in, with their minor-unit exponent. */
export const SUPPORTED_CURRENCIES = { TRY: 2, EUR: 2, USD: 2 } as const;
export type Currency = keyof typeof SUPPORTED_CURRENCIES;
export const DEFAULT_CURRENCY: Currency = 'TRY';

export const currencySchema = z.enum(Object.keys(SUPPORTED_CURRENCIES) as [Currency, ...Currency[]]);

/** An amount in minor units (kuruş for TRY): a safe, non-negative integer. Never a float. */
export const minorUnitsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const positiveMinorUnitsSchema = minorUnitsSchema.refine((value) => value > 0, 'must be positive');
