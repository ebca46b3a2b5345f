import { localFields, timeOfDayMs } from './local-time';
import { decimal, int, lt, lte, mul, type Rational } from './rational';
import type { PriceComponent, TariffDefinition, TariffDimension, TariffRestrictions } from './tariff.model';

/** What restrictions are evaluated against, at one instant of a session. */
export interface RestrictionContext {
  /** The instant on the local wall clock, ms since the epoch. */
  localMs: number;
  /** Energy delivered in the session before this instant, Wh. */
  energyWh: Rational;
  /** Time since the session started, ms. */
  elapsedMs: Rational;
  powerKw: Rational;
  /** Unknown unless the charge point reports it; a current restriction then does not match. */
  currentA?: Rational;
}

const KWH = int(1000);
const SECOND = int(1000);

const inTimeWindow = (restrictions: TariffRestrictions, time: number): boolean => {
  const { startTime, endTime } = restrictions;
  if (startTime === undefined && endTime === undefined) return true;
  const start = startTime === undefined ? undefined : timeOfDayMs(startTime);
  // 00:00 as an end means the end of the day (OCPI: "To stop at end of the day use: 00:00").
  const end = endTime === undefined ? undefined : timeOfDayMs(endTime);
  if (start === undefined) return end === 0 || time < (end as number);
  if (end === undefined) return time >= start;
  return start < end ? time >= start && time < end : time >= start || time < end;
};

const atLeast = (value: Rational | undefined, bound: number | undefined, scale = int(1)): boolean =>
  bound === undefined || (value !== undefined && lte(mul(decimal(bound), scale), value));

const below = (value: Rational | undefined, bound: number | undefined, scale = int(1)): boolean =>
  bound === undefined || (value !== undefined && lt(value, mul(decimal(bound), scale)));

/**
 * OCPI TariffRestrictions: all set properties must hold (a logical AND). Reservation elements price
 * reservations, which ad-hoc sessions never have, so they never apply here.
 */
export const restrictionsMatch = (
  restrictions: TariffRestrictions | undefined,
  context: RestrictionContext,
): boolean => {
  if (!restrictions) return true;
  if (restrictions.reservation !== undefined) return false;
  const local = localFields(context.localMs);
  return (
    inTimeWindow(restrictions, local.timeOfDayMs) &&
    (restrictions.startDate === undefined || local.date >= restrictions.startDate) &&
    (restrictions.endDate === undefined || local.date < restrictions.endDate) &&
    (!restrictions.dayOfWeek?.length || restrictions.dayOfWeek.includes(local.dayOfWeek)) &&
    atLeast(context.energyWh, restrictions.minKwh, KWH) &&
    below(context.energyWh, restrictions.maxKwh, KWH) &&
    atLeast(context.elapsedMs, restrictions.minDuration, SECOND) &&
    below(context.elapsedMs, restrictions.maxDuration, SECOND) &&
    atLeast(context.powerKw, restrictions.minPower) &&
    below(context.powerKw, restrictions.maxPower) &&
    atLeast(context.currentA, restrictions.minCurrent) &&
    below(context.currentA, restrictions.maxCurrent)
  );
};

export interface ActiveComponent {
  elementIndex: number;
  component: PriceComponent;
}

/**
 * OCPI: per dimension, the first Tariff Element (in list order) that has a Price Component for it and
 * whose restrictions match; none means that dimension costs nothing at this instant.
 */
export const activeComponent = (
  tariff: Pick<TariffDefinition, 'elements'>,
  dimension: TariffDimension,
  context: RestrictionContext,
): ActiveComponent | undefined => {
  for (const [elementIndex, element] of tariff.elements.entries()) {
    const component = element.priceComponents.find((candidate) => candidate.type === dimension);
    if (component && restrictionsMatch(element.restrictions, context)) return { elementIndex, component };
  }
  return undefined;
};
