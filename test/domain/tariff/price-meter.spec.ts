import assert from 'node:assert/strict';
import {
  emptyMeter,
  meterPeriods,
  priceMeter,
  priceSession,
  type PricingOptions,
} from '../../../src/domain/tariff/price-session';
import type { TariffDefinition } from '../../../src/domain/tariff/tariff.model';
import { usage, type Stretch } from './usage.fixtures';

const ISTANBUL: PricingOptions = { vatRatePercent: 20, timeZone: 'Europe/Istanbul' };

/** Tariffs that exercise every way a price can depend on what came before: thresholds, step sizes, limits. */
const tariffs: Record<string, TariffDefinition> = {
  'flat, energy and time with step sizes': {
    currency: 'TRY',
    elements: [
      {
        priceComponents: [
          { type: 'FLAT', price: 5, stepSize: 1 },
          { type: 'ENERGY', price: 7.5, stepSize: 500 },
          { type: 'TIME', price: 6, stepSize: 300 },
        ],
      },
    ],
  },
  'peak hours, parking, energy thresholds, min and max price': {
    currency: 'TRY',
    minPrice: { exclVat: 2_000 },
    maxPrice: { exclVat: 60_000, inclVat: 70_000 },
    elements: [
      { priceComponents: [{ type: 'ENERGY', price: 5, stepSize: 1 }], restrictions: { maxKwh: 3 } },
      {
        priceComponents: [{ type: 'ENERGY', price: 9, stepSize: 1, vat: 10 }],
        restrictions: { startTime: '07:00', endTime: '17:00' },
      },
      { priceComponents: [{ type: 'ENERGY', price: 8, stepSize: 1 }] },
      { priceComponents: [{ type: 'PARKING_TIME', price: 12, stepSize: 60 }] },
      {
        priceComponents: [{ type: 'FLAT', price: 2, stepSize: 1 }],
        restrictions: { minDuration: 1_800 },
      },
    ],
  },
};

/** A deterministic pseudo-random sequence (mulberry32), so a failure names a reproducible session. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const session = (seed: number, length: number): Stretch[] => {
  const next = random(seed);
  return Array.from({ length }, () => ({
    minutes: 1 + Math.floor(next() * 90),
    kwh: next() < 0.2 ? 0 : Math.round(next() * 20_000) / 1000,
    ...(next() < 0.3 ? { powerKw: Math.round(next() * 500) / 10 } : {}),
  }));
};

describe('tariff pricing, one period at a time', () => {
  for (const [name, tariff] of Object.entries(tariffs)) {
    it(`prices every prefix of 40 random sessions exactly as a full re-price does: ${name}`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const { startedAt, periods } = usage('2026-03-28T20:00:00Z', session(seed, 25));
        let meter = emptyMeter();
        assert.deepEqual(
          priceMeter(tariff, startedAt, meter, ISTANBUL),
          priceSession(tariff, { startedAt, periods: [] }, ISTANBUL),
          `seed ${seed}, no period`,
        );
        for (let count = 1; count <= periods.length; count++) {
          meter = meterPeriods(tariff, meter, startedAt, periods.slice(count - 1, count), ISTANBUL.timeZone);
          assert.deepEqual(
            priceMeter(tariff, startedAt, meter, ISTANBUL),
            priceSession(tariff, { startedAt, periods: periods.slice(0, count) }, ISTANBUL),
            `seed ${seed}, after ${count} periods`,
          );
        }
      }
    });
  }

  it('leaves the meter it extends untouched, so a state that holds it stays as it was', () => {
    const tariff = tariffs['flat, energy and time with step sizes'] as TariffDefinition;
    const { startedAt, periods } = usage('2026-01-15T08:00:00Z', session(7, 3));
    const before = meterPeriods(tariff, emptyMeter(), startedAt, periods.slice(0, 2), ISTANBUL.timeZone);
    const cost = priceMeter(tariff, startedAt, before, ISTANBUL);
    meterPeriods(tariff, before, startedAt, periods.slice(2), ISTANBUL.timeZone);
    priceMeter(tariff, startedAt, before, ISTANBUL);
    assert.deepEqual(priceMeter(tariff, startedAt, before, ISTANBUL), cost);
  });
});
