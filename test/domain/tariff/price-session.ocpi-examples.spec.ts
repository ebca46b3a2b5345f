import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tariffFromOcpi, type OcpiTariff } from '../../../src/domain/tariff/ocpi-tariff';
import { priceSession } from '../../../src/domain/tariff/price-session';
import type { SessionUsage } from '../../../src/domain/tariff/session-segments';
import { usage } from './usage.fixtures';

const FIXTURES = path.resolve(__dirname, '../../fixtures/ocpi-2.2.1-examples');

const definesTariff = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && ('elements' in json || 'tariffs' in json);

const tariffFiles = (folder: string): string[] =>
  readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .filter((file) => definesTariff(JSON.parse(readFileSync(path.join(folder, file), 'utf8'))))
    .sort();

const load = (file: string) => {
  const json = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as
    OcpiTariff | { tariffs: OcpiTariff[] };
  const ocpi = 'tariffs' in json ? json.tariffs[0] : json;
  if (!ocpi) throw new Error(`${file} has no tariff`);
  return tariffFromOcpi(ocpi).definition;
};

interface Case {
  name: string;
  usage: SessionUsage;
  /** Euro cents, as the spec states them (or as hand-computed where noted). */
  exclVat: number;
  inclVat?: number;
  /** Examples without `vat` are stated excluding VAT only: price them with no default VAT. */
  vatRatePercent?: number;
  timeZone?: string;
}

const MONDAY = '2026-01-12';
const SATURDAY = '2026-01-17';
const DAY = '2026-01-15';

/**
 * Every example that defines a tariff, each with session shapes whose cost the spec states or that we
 * computed by hand from mod_tariffs.asciidoc and mod_cdrs.asciidoc ("step_size").
 */
const CASES: Record<string, Case[]> = {
  'tariff_1_simple_2hour.json': [
    {
      name: '2.5 hours charging: 5.00 / 5.50 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 150, kwh: 20 }]),
      exclVat: 500,
      inclVat: 550,
    },
    {
      name: '61 seconds rounds up to 2 minutes (step 60 s): 0.0667 -> 0.07',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 61 / 60, kwh: 0.2 }]),
      exclVat: 7,
      inclVat: 7,
    },
    {
      name: 'parking time is not charged by a TIME-only tariff',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 10 }, { minutes: 30 }]),
      exclVat: 200,
      inclVat: 220,
    },
  ],
  'tariff_2_alt_text.json': [
    {
      name: '2.5 hours: 4.75 / 5.00 (spec; 4.997 rounds to 5.00)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 150, kwh: 20 }]),
      exclVat: 475,
      inclVat: 500,
    },
  ],
  'tariff_3_alt_url.json': [
    {
      name: '20.45 kWh billed as 20.5 kWh (step 100 Wh): 5.63 / 6.24 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20.45 }]),
      exclVat: 563,
      inclVat: 624,
    },
  ],
  'tariff_4_complex.json': [
    {
      name: 'Monday 09:30, 165 min at 16 A, 42 min parking: 9.00 / 10.30 (spec)',
      usage: usage(`${MONDAY}T09:30:00Z`, [
        { minutes: 165, kwh: 10, currentA: 16 },
        { minutes: 42, currentA: 0 },
      ]),
      exclVat: 900,
      inclVat: 1030,
    },
    {
      // The spec prices 114 min at 1.25/h as 2.28 (that is 1.20/h); 1.9 h x 1.25 = 2.375, so the totals
      // are 12.375 -> 12.38 and 13.975 -> 13.98 rather than the spec's 12.28 / 13.861.
      name: 'Saturday 13:30, 114 min at 43 A, 71 min parking billed as 75 (hand-checked)',
      usage: usage(`${SATURDAY}T13:30:00Z`, [
        { minutes: 114, kwh: 30, currentA: 43 },
        { minutes: 71, currentA: 0 },
      ]),
      exclVat: 1238,
      inclVat: 1398,
    },
    {
      name: 'weekday evening parking is free (no PARKING_TIME element matches after 18:00)',
      usage: usage(`${MONDAY}T19:00:00Z`, [
        { minutes: 60, kwh: 5, currentA: 16 },
        { minutes: 30, currentA: 0 },
      ]),
      exclVat: 250 + 100,
      inclVat: 408, // 2.875 + 1.20 = 4.075 -> 4.08
    },
  ],
  'tariff_5_free_of_charge.json': [
    {
      name: 'free of charge',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 90, kwh: 30 }, { minutes: 20 }]),
      exclVat: 0,
      inclVat: 0,
      vatRatePercent: 0,
    },
  ],
  'tariff_6_025kwh_start_max_price.json': [
    {
      name: '50 kWh is capped at max_price: 10.00 / 11.00 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 120, kwh: 50 }]),
      exclVat: 1000,
      inclVat: 1100,
    },
    {
      name: '30 kWh stays below max_price: 8.00 / 8.85 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 90, kwh: 30 }]),
      exclVat: 800,
      inclVat: 885,
    },
  ],
  'tariff_8_simple_025kwh.json': [
    {
      name: '20 kWh: 5.00 / 5.50 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 500,
      inclVat: 550,
    },
  ],
  'tariff_9_025kwh_start.json': [
    {
      name: '20 kWh plus start fee: 5.50 / 6.10 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 550,
      inclVat: 610,
    },
  ],
  'tariff_10_025kwh_parking_start.json': [
    {
      name: '20 kWh, 40 min parking billed as 45: 7.00 / 7.90 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 120, kwh: 20 }, { minutes: 40 }]),
      exclVat: 700,
      inclVat: 790,
    },
  ],
  'tariff_11_not_possible_alt_text.json': [
    {
      name: '2.5 hours plus start fee: 0.40 + 4.75 = 5.15; 0.50 + 4.997 = 5.497 -> 5.50 (hand-checked)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 150, kwh: 20 }]),
      exclVat: 515,
      inclVat: 550,
    },
  ],
  'tariff_12_025kwh_min_price.json': [
    {
      name: '20 kWh: 5.00 / 5.50 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 500,
      inclVat: 550,
    },
    {
      name: 'under 2 kWh the min_price applies: 0.50 / 0.55 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 10, kwh: 1 }]),
      exclVat: 50,
      inclVat: 55,
    },
  ],
  'tariff_13_simple_3hour_5parking.json': [
    {
      name: '150 min charging, 42 min parking billed as 45: 11.25 / 12.75 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 150, kwh: 30 }, { minutes: 42 }]),
      exclVat: 1125,
      inclVat: 1275,
    },
  ],
  'tariff_14_step_size.json': [
    {
      name: '16:55, 10 min charging across 17:00, 2 min parking billed as 15: 0.55 (spec)',
      usage: usage(`${DAY}T16:55:00Z`, [{ minutes: 10, kwh: 2 }, { minutes: 2 }]),
      exclVat: 55,
      vatRatePercent: 0,
    },
    {
      name: '16:35, 35 min charging rounded to 45 with the step after 17:00: 1.30 (spec)',
      usage: usage(`${DAY}T16:35:00Z`, [{ minutes: 35, kwh: 7 }]),
      exclVat: 130,
      vatRatePercent: 0,
    },
    {
      // The spec states 0.80 but prices the 12 minutes at the pre-17:00 rate and the parking at 2.40/h;
      // by its own tariff, 19:40-19:52 charging costs 2.40/h (0.48) and 8 billable parking minutes round
      // up to 15 at 1.00/h (0.25); parking after 20:00 is free.
      name: '19:40, 12 min charging, 20 min parking across 20:00: 0.73 (hand-checked)',
      usage: usage(`${DAY}T19:40:00Z`, [{ minutes: 12, kwh: 3 }, { minutes: 20 }]),
      exclVat: 73,
      vatRatePercent: 0,
    },
  ],
  'tariff_15_reservation_5_euro_per_hour.json': [
    {
      name: 'reservation elements never apply to an ad-hoc session: 20 kWh + start fee only',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 550,
      inclVat: 610,
    },
  ],
  'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': [
    {
      name: 'the reservation fee and time are not charged: 5.50 / 6.10',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }, { minutes: 13 }]),
      exclVat: 550,
      inclVat: 610,
    },
  ],
  'tariff_17_reservation_with_expire_fee.json': [
    {
      name: 'neither reservation element applies: 5.50 / 6.10',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 550,
      inclVat: 610,
    },
  ],
  'tariff_18_reservation_with_expire_time.json': [
    {
      name: 'neither reservation element applies: 5.50 / 6.10',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 60, kwh: 20 }]),
      exclVat: 550,
      inclVat: 610,
    },
  ],
  'tariff_put_example.json': [
    {
      name: '62 min rounded to 65 (step 300 s): 2.1667 -> 2.17; 2.3833 -> 2.38',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 62, kwh: 11 }]),
      exclVat: 217,
      inclVat: 238,
    },
  ],
  'tariffrestriction_example_max_power.json': [
    {
      name: '1 kWh at 6 kW, 40 kWh at 48 kW, 0.5 kWh at 4 kW: 20.30 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [
        { minutes: 10, kwh: 1, powerKw: 6 },
        { minutes: 50, kwh: 40, powerKw: 48 },
        { minutes: 7.5, kwh: 0.5, powerKw: 4 },
      ]),
      exclVat: 2030,
      inclVat: 2436,
    },
    {
      name: 'without reported power the average power of each period decides',
      usage: usage(`${DAY}T10:00:00Z`, [
        { minutes: 60, kwh: 10 },
        { minutes: 30, kwh: 10 },
      ]),
      exclVat: 200 + 350,
      inclVat: 660,
    },
  ],
  'tariffrestriction_example_max_duration.json': [
    {
      name: '5 kWh in the first 30 min free, 1.2 kWh in the next 10 min: 0.30 (spec)',
      usage: usage(`${DAY}T10:00:00Z`, [
        { minutes: 30, kwh: 5 },
        { minutes: 10, kwh: 1.2 },
      ]),
      exclVat: 30,
      inclVat: 36,
    },
    {
      name: 'one period across the 30 and 60 minute marks is split in proportion to time',
      usage: usage(`${DAY}T10:00:00Z`, [{ minutes: 90, kwh: 9 }]),
      exclVat: 0 + 75 + 120,
      inclVat: 234,
    },
  ],
  'cdr_example.json': [
    {
      name: 'the CDR: 1.973 h rounded to 2 h (step 300 s): 4.00 / 4.40 (spec)',
      usage: {
        startedAt: '2015-06-29T21:39:09Z',
        periods: [{ startAt: '2015-06-29T21:39:09Z', endAt: '2015-06-29T23:37:32Z', energyWh: 15342 }],
      },
      exclVat: 400,
      inclVat: 440,
    },
  ],
};

describe('tariff pricing: the OCPI 2.2.1 examples', () => {
  it('has cases for every example that defines a tariff', () => {
    assert.deepEqual(Object.keys(CASES).sort(), tariffFiles(FIXTURES));
  });

  for (const [file, cases] of Object.entries(CASES)) {
    describe(file, () => {
      for (const example of cases) {
        it(example.name, () => {
          const cost = priceSession(load(file), example.usage, {
            vatRatePercent: example.vatRatePercent ?? 0,
            timeZone: example.timeZone ?? 'UTC',
          });
          assert.equal(cost.exclVat, example.exclVat, 'excluding VAT');
          if (example.inclVat !== undefined) assert.equal(cost.inclVat, example.inclVat, 'including VAT');
          assert.equal(cost.vat, cost.inclVat - cost.exclVat);
        });
      }
    });
  }
});
