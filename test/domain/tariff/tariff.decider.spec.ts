import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tariffFromOcpi, tariffToOcpi } from '../../../src/domain/tariff/ocpi-tariff';
import { tariffDecider } from '../../../src/domain/tariff/tariff.decider';
import type { TariffEvent } from '../../../src/domain/tariff/tariff.events';
import type { TariffDefinition } from '../../../src/domain/tariff/tariff.model';
import { tariffDefinitionSchema } from '../../../src/domain/tariff/tariff.model';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(tariffDecider);
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

const definition: TariffDefinition = {
  currency: 'TRY',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: 7.5, stepSize: 1 }] }],
};
const upsert = (def = definition, now = T0) =>
  ({ type: 'UpsertTariff', now, tariffId: 'night', merchantId: 'mer_1', definition: def }) as const;
const upserted = (def = definition, updatedAt = T0): TariffEvent => ({
  type: 'TariffUpserted',
  data: { tariffId: 'night', merchantId: 'mer_1', definition: def, updatedAt },
});

describe('tariff decider', () => {
  it('creates and replaces', () => {
    given([]).when(upsert()).then([upserted()]);
    const cheaper: TariffDefinition = {
      ...definition,
      elements: [{ priceComponents: [{ type: 'ENERGY', price: 6, stepSize: 1 }] }],
    };
    given([upserted()])
      .when(upsert(cheaper, T1))
      .then([upserted(cheaper, T1)]);
  });

  it('changes nothing when the same definition is put again', () =>
    given([upserted()]).when(upsert(definition, T1)).then([]));

  it('deletes, refuses to delete twice, and can be created again', () => {
    const deleted: TariffEvent = {
      type: 'TariffDeleted',
      data: { tariffId: 'night', merchantId: 'mer_1', deletedAt: T1 },
    };
    given([upserted()]).when({ type: 'DeleteTariff', now: T1 }).then([deleted]);
    given([upserted(), deleted])
      .when({ type: 'DeleteTariff', now: T1 })
      .thenRefuses('tariff_not_found', 'not_found');
    given([]).when({ type: 'DeleteTariff', now: T1 }).thenRefuses('tariff_not_found');
    given([upserted(), deleted])
      .when(upsert(definition, T1))
      .then([upserted(definition, T1)]);
  });
});

describe('tariff model', () => {
  it('refuses prices with more than 4 decimals, checked on the decimal as written', () => {
    const price = (value: number) =>
      tariffDefinitionSchema.safeParse({
        ...definition,
        elements: [{ priceComponents: [{ type: 'ENERGY', price: value, stepSize: 1 }] }],
      }).success;
    assert.deepEqual([price(7.4321), price(7.43215), price(0.1 + 0.2)], [true, false, false]);
  });

  it('maps OCPI tariffs both ways', () => {
    const ocpi = JSON.parse(
      readFileSync(
        path.resolve(__dirname, '../../fixtures/ocpi-2.2.1-examples/tariff_6_025kwh_start_max_price.json'),
        'utf8',
      ),
    );
    const { id, definition: mapped } = tariffFromOcpi(ocpi);
    assert.deepEqual(
      [id, mapped.maxPrice, mapped.endDateTime],
      ['16', { exclVat: 1000, inclVat: 1100 }, '2019-06-30T23:59:59Z'],
    );
    const back = tariffToOcpi(
      { countryCode: 'DE', partyId: 'ALL' },
      { id, definition: mapped, updatedAt: ocpi.last_updated },
    );
    assert.deepEqual(back, ocpi);
    const restricted = JSON.parse(
      readFileSync(
        path.resolve(__dirname, '../../fixtures/ocpi-2.2.1-examples/tariff_4_complex.json'),
        'utf8',
      ),
    );
    const roundTrip = tariffToOcpi(
      { countryCode: 'DE', partyId: 'ALL' },
      {
        id: restricted.id,
        definition: tariffFromOcpi(restricted).definition,
        updatedAt: restricted.last_updated,
      },
    );
    assert.deepEqual(roundTrip, restricted);
  });
});
