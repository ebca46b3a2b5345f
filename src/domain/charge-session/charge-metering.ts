import { meterPeriods, priceMeter, type SessionCost } from '../tariff/price-session';
import type { ChargingPeriod, MeterReading } from './charge-session.events';
import type { ChargeDetails, Metering } from './charge-session.state';

/** Why a reading changes nothing: the same or an older instant, or a meter that went backwards. */
export type IgnoredReading = 'duplicate_or_stale' | 'meter_went_backwards';

export const ignoredReason = (metering: Metering, reading: MeterReading): IgnoredReading | undefined => {
  if (Date.parse(reading.measuredAt) <= Date.parse(metering.lastReading.measuredAt))
    return 'duplicate_or_stale';
  if (reading.meterWh < metering.lastReading.meterWh) return 'meter_went_backwards';
  return undefined;
};

/** The period from the previous reading to this one: the energy in between, the power reported now. */
export const periodTo = (metering: Metering, reading: MeterReading): ChargingPeriod => ({
  startAt: metering.lastReading.measuredAt,
  endAt: reading.measuredAt,
  energyWh: reading.meterWh - metering.lastReading.meterWh,
  ...(reading.powerKw === undefined ? {} : { powerKw: reading.powerKw }),
  ...(reading.currentA === undefined ? {} : { currentA: reading.currentA }),
});

/**
 * The charge's tariff, fixed at start, applied to everything metered so far and then to `newPeriods`:
 * only the new periods are metered, the rest comes from the state's meter.
 */
export const costOf = (
  charge: Pick<ChargeDetails, 'tariff' | 'vatRatePercent' | 'timeZone'> &
    Pick<Metering, 'activatedAt' | 'meter'>,
  newPeriods: readonly ChargingPeriod[] = [],
): SessionCost => {
  const options = { vatRatePercent: charge.vatRatePercent, timeZone: charge.timeZone };
  const meter =
    newPeriods.length === 0
      ? charge.meter
      : meterPeriods(charge.tariff, charge.meter, charge.activatedAt, newPeriods, charge.timeZone);
  return priceMeter(charge.tariff, charge.activatedAt, meter, options);
};
