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
import { segmentsOf, startContext, type SessionUsage } from './session-segments';
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

interface Line {
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

/** Per-line quantities before step sizes, and which line came last in time for each step-size group. */
const meter = (tariff: PricedTariff, usage: SessionUsage, timeZone: string) => {
  const lines = new Map<string, Line>();
  let lastEnergy: string | undefined;
  let lastTime: string | undefined;
  const bill = (dimension: TariffDimension, active: ActiveComponent, quantity: Rational): string => {
    const key = keyOf(dimension, active);
    const line = lines.get(key) ?? { dimension, component: active.component, quantity: ZERO };
    lines.set(key, { ...line, quantity: add(line.quantity, quantity) });
    return key;
  };

  const segments = segmentsOf(tariff, usage, timeZone);
  const flatAt = [...segments.map((segment) => segment.context), startContext(usage, timeZone)];
  for (const context of flatAt) {
    const flat = activeComponent(tariff, 'FLAT', context);
    if (flat) {
      bill('FLAT', flat, int(1));
      break;
    }
  }
  for (const segment of segments) {
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
  return { lines, lastEnergy, lastTime };
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
): SessionCost => {
  const { lines, lastEnergy, lastTime } = meter(tariff, usage, options.timeZone);
  applyStepSize(lines, lastEnergy);
  applyStepSize(lines, lastTime);

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
