import assert from 'node:assert/strict';
import { priceSession, type PricingOptions } from '../../../src/domain/tariff/price-session';
import type { TariffDefinition, TariffElement } from '../../../src/domain/tariff/tariff.model';
import { usage } from './usage.fixtures';

const ISTANBUL: PricingOptions = { vatRatePercent: 20, timeZone: 'Europe/Istanbul' };

const tariff = (elements: TariffElement[], extra: Partial<TariffDefinition> = {}): TariffDefinition => ({
  currency: 'TRY',
  elements,
  ...extra,
});
const energy = (price: number, stepSize = 1, vat?: number) => ({
  type: 'ENERGY' as const,
  price,
  stepSize,
  ...(vat === undefined ? {} : { vat }),
});
const time = (price: number, stepSize = 1) => ({ type: 'TIME' as const, price, stepSize });
const parking = (price: number, stepSize = 1) => ({ type: 'PARKING_TIME' as const, price, stepSize });
const flat = (price: number) => ({ type: 'FLAT' as const, price, stepSize: 1 });

describe('tariff pricing: hand-checked cases (TRY, kuruş)', () => {
  describe('rounding: exact sums, rounded once, half up', () => {
    it('12.345 kWh at 7.50 TRY/kWh: 92.5875 -> 92.59; with 20% VAT 111.105 -> 111.11', () => {
      const cost = priceSession(
        tariff([{ priceComponents: [energy(7.5)] }]),
        usage('2026-01-15T08:00:00Z', [{ minutes: 60, kwh: 12.345 }]),
        ISTANBUL,
      );
      assert.deepEqual([cost.exclVat, cost.vat, cost.inclVat], [9259, 1852, 11111]);
    });

    it('half a kuruş rounds up: 1 Wh at 5.00 TRY/kWh is 0.5 kuruş -> 1', () => {
      const cost = priceSession(
        tariff([{ priceComponents: [energy(5)] }]),
        usage('2026-01-15T08:00:00Z', [{ minutes: 1, kwh: 0.001 }]),
        { ...ISTANBUL, vatRatePercent: 0 },
      );
      assert.deepEqual([cost.exclVat, cost.inclVat], [1, 1]);
    });

    it('sums exactly before rounding: three 0.4-kuruş lines make 1.2 -> 1, not 0', () => {
      const cost = priceSession(
        tariff([
          { priceComponents: [energy(4)], restrictions: { maxKwh: 0.001 } },
          { priceComponents: [energy(4)], restrictions: { maxKwh: 0.002 } },
          { priceComponents: [energy(4)] },
        ]),
        usage('2026-01-15T08:00:00Z', [{ minutes: 3, kwh: 0.003 }]),
        { ...ISTANBUL, vatRatePercent: 0 },
      );
      assert.equal(cost.exclVat, 1);
    });

    it('a component VAT overrides the default; the VAT shown is incl minus excl', () => {
      const cost = priceSession(
        tariff([{ priceComponents: [energy(10, 1, 10), flat(3)] }]),
        usage('2026-01-15T08:00:00Z', [{ minutes: 30, kwh: 2 }]),
        ISTANBUL,
      );
      // 20.00 + 3.00 excl; 22.00 (10%) + 3.60 (default 20%) incl.
      assert.deepEqual([cost.exclVat, cost.vat, cost.inclVat], [2300, 260, 2560]);
      assert.deepEqual(
        cost.dimensions.map((line) => [line.dimension, line.quantity, line.exclVat, line.inclVat]),
        [
          ['FLAT', 1, 300, 360],
          ['ENERGY', 2000, 2000, 2200],
        ],
      );
    });
  });

  describe('restrictions switch the price mid-session (Europe/Istanbul, UTC+3)', () => {
    const peak = tariff([
      { priceComponents: [energy(5)], restrictions: { startTime: '07:00', endTime: '17:00' } },
      { priceComponents: [energy(8)] },
    ]);

    it('one period across 17:00 local is split in proportion to time: 10 kWh at 5 + 10 kWh at 8', () => {
      // 16:30-17:30 Istanbul is 13:30-14:30 UTC.
      const cost = priceSession(peak, usage('2026-01-15T13:30:00Z', [{ minutes: 60, kwh: 20 }]), ISTANBUL);
      assert.deepEqual([cost.exclVat, cost.inclVat], [13_000, 15_600]);
    });

    it('the same hours in UTC would all be off-peak: the time zone matters', () => {
      const cost = priceSession(peak, usage('2026-01-15T16:30:00Z', [{ minutes: 60, kwh: 20 }]), ISTANBUL);
      assert.equal(cost.exclVat, 16_000);
    });

    it('a window wrapping midnight (22:00-06:00) applies on both sides of it', () => {
      const night = tariff([
        { priceComponents: [time(10)], restrictions: { startTime: '22:00', endTime: '06:00' } },
        { priceComponents: [time(20)] },
      ]);
      // 21:00-23:00 local: one hour at 20, one at 10; 05:00-07:00: one at 10, one at 20.
      const evening = priceSession(
        night,
        usage('2026-01-15T18:00:00Z', [{ minutes: 120, kwh: 10 }]),
        ISTANBUL,
      );
      const morning = priceSession(
        night,
        usage('2026-01-16T02:00:00Z', [{ minutes: 120, kwh: 10 }]),
        ISTANBUL,
      );
      assert.equal(evening.exclVat, 3000);
      assert.equal(morning.exclVat, 3000);
    });

    it('weekday and date restrictions follow the local calendar, not UTC', () => {
      const weekend = tariff(
        [
          { priceComponents: [energy(1)], restrictions: { dayOfWeek: ['SATURDAY', 'SUNDAY'] } },
          { priceComponents: [energy(2)], restrictions: { startDate: '2026-01-20', endDate: '2026-01-21' } },
          { priceComponents: [energy(3)] },
        ],
        { currency: 'TRY' },
      );
      // Friday 2026-01-16 22:00 UTC is Saturday 01:00 in Istanbul.
      const saturday = priceSession(
        weekend,
        usage('2026-01-16T22:00:00Z', [{ minutes: 60, kwh: 1 }]),
        ISTANBUL,
      );
      const promotion = priceSession(
        weekend,
        usage('2026-01-20T10:00:00Z', [{ minutes: 60, kwh: 1 }]),
        ISTANBUL,
      );
      const afterPromotion = priceSession(
        weekend,
        usage('2026-01-20T21:30:00Z', [{ minutes: 60, kwh: 1 }]),
        ISTANBUL,
      );
      assert.deepEqual([saturday.exclVat, promotion.exclVat, afterPromotion.exclVat], [100, 200, 300]);
    });

    it('daylight saving: elapsed time is real time, and the local boundary moves with the clock', () => {
      // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
      const berlin = tariff([
        { priceComponents: [time(1)], restrictions: { startTime: '00:00', endTime: '03:00' } },
        { priceComponents: [time(2)] },
      ]);
      // 00:00-03:00 UTC is 01:00 CET to 05:00 CEST: one real hour before 03:00 local, two after.
      const cost = priceSession(berlin, usage('2026-03-29T00:00:00Z', [{ minutes: 180, kwh: 10 }]), {
        vatRatePercent: 0,
        timeZone: 'Europe/Berlin',
      });
      assert.equal(cost.exclVat, 500);
    });
  });

  describe('energy, power, duration and current restrictions', () => {
    it('an energy threshold inside a period is cut exactly: 10 kWh at 0.50 then 5 kWh at 0.30', () => {
      const tiered = tariff([
        { priceComponents: [energy(0.5)], restrictions: { maxKwh: 10 } },
        { priceComponents: [energy(0.3)] },
      ]);
      const cost = priceSession(tiered, usage('2026-01-15T08:00:00Z', [{ minutes: 45, kwh: 15 }]), {
        ...ISTANBUL,
        vatRatePercent: 0,
      });
      assert.equal(cost.exclVat, 650);
    });

    it('min_duration switches a parking fee on after two hours', () => {
      const idle = tariff([
        { priceComponents: [parking(30)], restrictions: { minDuration: 7200 } },
        { priceComponents: [energy(1)] },
      ]);
      // 1 h charging, then 2 h parking of which the second hour is past the two-hour mark.
      const cost = priceSession(
        idle,
        usage('2026-01-15T08:00:00Z', [{ minutes: 60, kwh: 10 }, { minutes: 120 }]),
        {
          ...ISTANBUL,
          vatRatePercent: 0,
        },
      );
      assert.equal(cost.exclVat, 1000 + 3000);
    });

    it('a current restriction does not match when the charge point reports no current', () => {
      const byCurrent = tariff([
        { priceComponents: [energy(1)], restrictions: { maxCurrent: 32 } },
        { priceComponents: [energy(2)] },
      ]);
      const reported = priceSession(
        byCurrent,
        usage('2026-01-15T08:00:00Z', [{ minutes: 60, kwh: 1, currentA: 16 }]),
        ISTANBUL,
      );
      const unknown = priceSession(
        byCurrent,
        usage('2026-01-15T08:00:00Z', [{ minutes: 60, kwh: 1 }]),
        ISTANBUL,
      );
      assert.deepEqual([reported.exclVat, unknown.exclVat], [100, 200]);
    });
  });

  describe('step sizes (once per session, with the last component used)', () => {
    it('energy steps round the session total, not the part after the switch (mod_cdrs example)', () => {
      const evening = tariff([
        { priceComponents: [energy(0.2, 500)], restrictions: { endTime: '17:00' } },
        { priceComponents: [energy(0.27, 500)] },
      ]);
      // 4.3 kWh before 17:00, 1.1 kWh after: 5.4 kWh rounds to 5.5, so 1.2 kWh are billed after 17:00.
      const cost = priceSession(
        evening,
        usage('2026-01-15T13:00:00Z', [
          { minutes: 60, kwh: 4.3 },
          { minutes: 60, kwh: 1.1 },
        ]),
        { ...ISTANBUL, vatRatePercent: 0 },
      );
      assert.equal(cost.exclVat, 118); // 0.86 + 0.324 = 1.184
    });

    it('time steps too: 6 min at 5/h and 22 min at 7/h round to 30 min, 24 of them at 7/h', () => {
      const evening = tariff([
        { priceComponents: [time(5, 600)], restrictions: { endTime: '17:00' } },
        { priceComponents: [time(7, 600)] },
      ]);
      const cost = priceSession(evening, usage('2026-01-15T13:54:00Z', [{ minutes: 28, kwh: 3 }]), {
        ...ISTANBUL,
        vatRatePercent: 0,
      });
      assert.equal(cost.exclVat, 330); // 0.50 + 2.80
    });

    it('charging time followed by parking is not rounded; the parking is', () => {
      const both = tariff([{ priceComponents: [time(1, 600), parking(2, 600)] }]);
      const cost = priceSession(
        both,
        usage('2026-01-15T08:00:00Z', [{ minutes: 21, kwh: 5 }, { minutes: 16 }]),
        {
          ...ISTANBUL,
          vatRatePercent: 0,
        },
      );
      assert.equal(cost.exclVat, 35 + 67); // 21 min at 1/h = 0.35; 20 min at 2/h = 0.6667
    });
  });

  describe('min and max price', () => {
    it('min price raises both totals; the VAT is the difference', () => {
      const minimum = tariff([{ priceComponents: [energy(5)] }], {
        minPrice: { exclVat: 2000, inclVat: 2400 },
      });
      const cost = priceSession(minimum, usage('2026-01-15T08:00:00Z', [{ minutes: 5, kwh: 1 }]), ISTANBUL);
      assert.deepEqual([cost.exclVat, cost.vat, cost.inclVat, cost.minPriceApplied], [2000, 400, 2400, true]);
    });

    it('a limit without inclVat takes the default VAT rate', () => {
      const capped = tariff([{ priceComponents: [energy(5)] }], { maxPrice: { exclVat: 10_000 } });
      const cost = priceSession(capped, usage('2026-01-15T08:00:00Z', [{ minutes: 200, kwh: 50 }]), ISTANBUL);
      assert.deepEqual([cost.exclVat, cost.inclVat, cost.maxPriceApplied], [10_000, 12_000, true]);
    });

    it('below the cap nothing changes', () => {
      const capped = tariff([{ priceComponents: [energy(5)] }], { maxPrice: { exclVat: 10_000 } });
      const cost = priceSession(capped, usage('2026-01-15T08:00:00Z', [{ minutes: 60, kwh: 10 }]), ISTANBUL);
      assert.deepEqual([cost.exclVat, cost.inclVat, cost.maxPriceApplied], [5000, 6000, false]);
    });
  });

  describe('flat fee', () => {
    it('is charged once, even before anything is metered', () => {
      const fee = tariff([{ priceComponents: [flat(2.5), energy(5)] }]);
      const cost = priceSession(fee, { startedAt: '2026-01-15T08:00:00Z', periods: [] }, ISTANBUL);
      assert.deepEqual([cost.exclVat, cost.inclVat], [250, 300]);
    });
  });
});
