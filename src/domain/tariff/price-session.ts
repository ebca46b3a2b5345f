import { SUPPORTED_CURRENCIES } from '../shared/money';
import {
  add,
  ceilToMultiple,
  decimal,
  div,
  int,
  lt,
  max,
  min,
  mul,
  roundHalfUp,
  sub,
  sum,
  ZERO,
  type Rational,
} from './rational';
import {
  periodSegments,
  segmentPlan,
  startContext,
  type SessionUsage,
  type UsagePeriod,
} from './session-segments';
import type { PriceComponent, PriceLimit, TariffDefinition, TariffDimension } from './tariff.model';
import { activeComponent, type ActiveComponent } from './tariff-restrictions';

export interface PricingOptions {
  /** Applies to price components that state no `vat` of their own (VAT_RATE_PERCENT, 20 in Turkey). */
  vatRatePercent: number;
  /** IANA zone of the charge point, for time-of-day, date and weekday restrictions. */
  timeZone: string;
}

export interface DimensionCost {
  dimension: TariffDimension;
  /** Billed after step sizes: Wh (ENERGY), seconds (TIME, PARKING_TIME) or 1 (FLAT); rounded half up. */
  quantity: number;
  /** Minor units, each rounded half up on its own: for display, may differ from the totals by a kuruş. */
  exclVat: number;
  inclVat: number;
}

/** Minor units. `exclVat` and `inclVat` are each rounded once, half up; `vat` is their difference. */
export interface SessionCost {
  exclVat: number;
  vat: number;
  inclVat: number;
  minPriceApplied: boolean;
  maxPriceApplied: boolean;
  dimensions: DimensionCost[];
}

type PricedTariff = Pick<TariffDefinition, 'currency' | 'elements' | 'minPrice' | 'maxPrice'>;

export interface Line {
  dimension: TariffDimension;
  component: PriceComponent;
  /** Wh, seconds or 1. */
  quantity: Rational;
}

const UNIT: Record<TariffDimension, Rational> = {
  ENERGY: int(1000),
  TIME: int(3600),
  PARKING_TIME: int(3600),
  FLAT: int(1),
};

const keyOf = (dimension: TariffDimension, active: ActiveComponent): string =>
  `${dimension}:${active.elementIndex}`;

/**
 * What a session has metered so far, before step sizes, limits and rounding. Quantities only add up, and
 * a period is cut knowing only the energy before it, so the meter extends one period at a time: the
 * running cost of a charge is priced from this and its newest period, never from the first reading.
 */
export interface SessionMeter {
  /** Per line (dimension and tariff element), in order of first use. */
  lines: ReadonlyMap<string, Line>;
  /** The line billed last in time, for ENERGY and for the time dimensions (step sizes apply to it). */
  lastEnergy: string | undefined;
  lastTime: string | undefined;
  /** The FLAT fee of the first metered segment that has one. */
  flat: ActiveComponent | undefined;
  /** Wh metered before the next period. */
  energyWh: Rational;
}

export const emptyMeter = (): SessionMeter => ({
  lines: new Map(),
  lastEnergy: undefined,
  lastTime: undefined,
  flat: undefined,
  energyWh: ZERO,
});

/** The meter after these periods (the session's next ones, in order). */
export const meterPeriods = (
  tariff: PricedTariff,
  meter: SessionMeter,
  startedAt: string,
  periods: readonly UsagePeriod[],
  timeZone: string,
): SessionMeter => {
  const plan = segmentPlan(tariff, startedAt, timeZone);
  const lines = new Map(meter.lines);
  let { lastEnergy, lastTime, flat, energyWh } = meter;
  const bill = (dimension: TariffDimension, active: ActiveComponent, quantity: Rational): string => {
    const key = keyOf(dimension, active);
    const line = lines.get(key) ?? { dimension, component: active.component, quantity: ZERO };
    lines.set(key, { ...line, quantity: add(line.quantity, quantity) });
    return key;
  };
  for (const period of periods) {
    const { segments, energyAfter } = periodSegments(plan, period, energyWh);
    energyWh = energyAfter;
    for (const segment of segments) {
      flat ??= activeComponent(tariff, 'FLAT', segment.context);
      const seconds = div(segment.durationMs, int(1000));
      if (segment.charging) {
        const energy = activeComponent(tariff, 'ENERGY', segment.context);
        if (energy) lastEnergy = bill('ENERGY', energy, segment.energyWh);
        const time = activeComponent(tariff, 'TIME', segment.context);
        if (time) lastTime = bill('TIME', time, seconds);
      } else {
        const parking = activeComponent(tariff, 'PARKING_TIME', segment.context);
        if (parking) lastTime = bill('PARKING_TIME', parking, seconds);
      }
    }
  }
  return { lines, lastEnergy, lastTime, flat, energyWh };
};

/** Per-line quantities before step sizes: the meter, plus the flat fee (at the start when no segment has one). */
const billedLines = (tariff: PricedTariff, meter: SessionMeter, startedAt: string, timeZone: string) => {
  const lines = new Map(meter.lines);
  const flat =
    meter.flat ?? activeComponent(tariff, 'FLAT', startContext({ startedAt, periods: [] }, timeZone));
  if (flat) {
    const key = keyOf('FLAT', flat);
    lines.set(key, { dimension: 'FLAT', component: flat.component, quantity: int(1) });
  }
  return lines;
};

/**
 * OCPI step_size (mod_cdrs "step_size"): applied once per session to the total of ENERGY, and once to
 * the total of whichever time dimension (TIME or PARKING_TIME) was billed last, with the step size of
 * the last price component used; the amount rounded up is billed at that component's price.
 */
const applyStepSize = (lines: Map<string, Line>, lastKey: string | undefined): void => {
  const last = lastKey === undefined ? undefined : lines.get(lastKey);
  if (!last || last.component.stepSize <= 0) return;
  const total = sum(
    [...lines.values()].filter((line) => line.dimension === last.dimension).map((l) => l.quantity),
  );
  const extra = sub(ceilToMultiple(total, BigInt(last.component.stepSize)), total);
  lines.set(lastKey as string, { ...last, quantity: add(last.quantity, extra) });
};

const limitIncl = (limit: PriceLimit, defaultVat: Rational): Rational =>
  limit.inclVat === undefined ? mul(int(limit.exclVat), defaultVat) : int(limit.inclVat);

/**
 * The cost of a session: a pure function of the tariff and the metered periods.
 * Exact arithmetic throughout; the only rounding is the last step (half up, to the minor unit), applied
 * separately to the totals excluding and including VAT. min_price and max_price bound both totals, as
 * OCPI requires; a limit without `inclVat` is taken as its `exclVat` plus the default VAT rate.
 */
export const priceSession = (
  tariff: PricedTariff,
  usage: SessionUsage,
  options: PricingOptions,
): SessionCost =>
  priceMeter(
    tariff,
    usage.startedAt,
    meterPeriods(tariff, emptyMeter(), usage.startedAt, usage.periods, options.timeZone),
    options,
  );

/** The cost of what the meter holds (see priceSession): step sizes, limits and rounding, once. */
export const priceMeter = (
  tariff: PricedTariff,
  startedAt: string,
  meter: SessionMeter,
  options: PricingOptions,
): SessionCost => {
  const lines = billedLines(tariff, meter, startedAt, options.timeZone);
  applyStepSize(lines, meter.lastEnergy);
  applyStepSize(lines, meter.lastTime);

  const minorPerMajor = int(10 ** SUPPORTED_CURRENCIES[tariff.currency]);
  const vatFactor = (percent: number) => add(int(1), div(decimal(percent), int(100)));
  const defaultVat = vatFactor(options.vatRatePercent);
  const priced = [...lines.values()].map((line) => {
    const exclVat = mul(
      mul(decimal(line.component.price), minorPerMajor),
      div(line.quantity, UNIT[line.dimension]),
    );
    const factor = line.component.vat === undefined ? defaultVat : vatFactor(line.component.vat);
    return { ...line, exclVat, inclVat: mul(exclVat, factor) };
  });

  let exclVat = sum(priced.map((line) => line.exclVat));
  let inclVat = sum(priced.map((line) => line.inclVat));
  let minPriceApplied = false;
  let maxPriceApplied = false;
  if (tariff.minPrice) {
    const floorExcl = int(tariff.minPrice.exclVat);
    const floorIncl = limitIncl(tariff.minPrice, defaultVat);
    minPriceApplied = lt(exclVat, floorExcl) || lt(inclVat, floorIncl);
    exclVat = max(exclVat, floorExcl);
    inclVat = max(inclVat, floorIncl);
  }
  if (tariff.maxPrice) {
    const capExcl = int(tariff.maxPrice.exclVat);
    const capIncl = limitIncl(tariff.maxPrice, defaultVat);
    maxPriceApplied = lt(capExcl, exclVat) || lt(capIncl, inclVat);
    exclVat = min(exclVat, capExcl);
    inclVat = min(inclVat, capIncl);
  }
  inclVat = max(inclVat, exclVat);

  const excl = Number(roundHalfUp(exclVat));
  const incl = Number(roundHalfUp(inclVat));
  return {
    exclVat: excl,
    vat: incl - excl,
    inclVat: incl,
    minPriceApplied,
    maxPriceApplied,
    dimensions: dimensionTotals(priced),
  };
};

const ORDER: readonly TariffDimension[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME'];

const dimensionTotals = (
  priced: readonly (Line & { exclVat: Rational; inclVat: Rational })[],
): DimensionCost[] =>
  ORDER.flatMap((dimension) => {
    const lines = priced.filter((line) => line.dimension === dimension);
    if (lines.length === 0) return [];
    const quantity = sum(lines.map((line) => line.quantity));
    return [
      {
        dimension,
        quantity: Number(roundHalfUp(quantity)),
        exclVat: Number(roundHalfUp(sum(lines.map((line) => line.exclVat)))),
        inclVat: Number(roundHalfUp(sum(lines.map((line) => line.inclVat)))),
      },
    ];
  });
