import assert from 'node:assert/strict';
import { ocpiAmountToMinor, priceInMinor, usageOfCdr } from '../../../src/domain/ocpi-cdr/cdr-usage';
import { ocpiCdrDecider, type ReceiveCdr } from '../../../src/domain/ocpi-cdr/ocpi-cdr.decider';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(ocpiCdrDecider);
const receive = (
  theirInclVat: number,
  ourInclVat: number | null,
  cdr: Record<string, unknown> = { id: 'C1' },
): ReceiveCdr => ({
  type: 'ReceiveCdr',
  received: {
    cdrRef: 'ocd_1',
    partyRef: 'ocp_1',
    countryCode: 'TR',
    partyId: 'CPO',
    cdrId: 'C1',
    currency: 'TRY',
    paymentIntentId: 'pi_1',
    merchantId: 'mer_1',
    tariffId: 'T1',
    theirCost: { exclVat: 19_000, inclVat: theirInclVat },
    ourCost: ourInclVat === null ? null : { exclVat: 19_000, vat: ourInclVat - 19_000, inclVat: ourInclVat },
    cdr,
  },
  now: '2026-03-02T11:00:00.000Z',
});

describe('OCPI CDR reconciliation', () => {
  it('records a matching CDR alone, and a mismatch as its own event (theirs minus ours)', () => {
    const matching = ocpiCdrDecider.decide(receive(22_800, 22_800), ocpiCdrDecider.initialState());
    assert.deepEqual(
      matching.map((event) => event.type),
      ['OcpiCdrReceived'],
    );
    const mismatched = ocpiCdrDecider.decide(receive(24_000, 22_800), ocpiCdrDecider.initialState());
    assert.deepEqual(mismatched[1], {
      type: 'OcpiCdrCostMismatched',
      data: {
        cdrRef: 'ocd_1',
        cdrId: 'C1',
        partyRef: 'ocp_1',
        merchantId: 'mer_1',
        paymentIntentId: 'pi_1',
        currency: 'TRY',
        theirInclVat: 24_000,
        ourInclVat: 22_800,
        difference: 1_200,
      },
    });
    assert.equal(
      ocpiCdrDecider.decide(receive(24_000, null), ocpiCdrDecider.initialState()).length,
      1,
      'no tariff, no verdict',
    );
  });

  it('takes the same CDR twice once, and refuses another under its id', () => {
    const first = ocpiCdrDecider.decide(receive(22_800, 22_800), ocpiCdrDecider.initialState());
    given(first).when(receive(22_800, 22_800)).then([]);
    given(first)
      .when(receive(22_800, 22_800, { id: 'C1', changed: true }))
      .thenRefuses('ocpi_cdr_exists', 'conflict');
  });

  it('reads prices of both versions in minor units, exactly, and charging periods as usage', () => {
    assert.equal(ocpiAmountToMinor(12.345, 'TRY'), 1235);
    assert.equal(ocpiAmountToMinor(0.1 + 0.2, 'TRY'), 30);
    assert.deepEqual(priceInMinor({ excl_vat: 190, incl_vat: 228 }, 'TRY'), {
      exclVat: 19_000,
      inclVat: 22_800,
    });
    assert.deepEqual(priceInMinor({ before_taxes: 190, taxes: [{ name: 'KDV', amount: 38 }] }, 'TRY'), {
      exclVat: 19_000,
      inclVat: 22_800,
    });
    const usage = usageOfCdr({
      start_date_time: '2026-03-02T10:00:00',
      end_date_time: '2026-03-02T11:00:00Z',
      currency: 'TRY',
      total_cost: { excl_vat: 0 },
      charging_periods: [
        { start_date_time: '2026-03-02T10:30:00Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.5 }] },
        { start_date_time: '2026-03-02T10:00:00Z', dimensions: [{ type: 'ENERGY', volume: 12.3456 }] },
      ],
    });
    assert.deepEqual(usage, {
      startedAt: '2026-03-02T10:00:00.000Z',
      periods: [
        { startAt: '2026-03-02T10:00:00.000Z', endAt: '2026-03-02T10:30:00.000Z', energyWh: 12_346 },
        { startAt: '2026-03-02T10:30:00.000Z', endAt: '2026-03-02T11:00:00.000Z', energyWh: 0 },
      ],
    });
  });
});
