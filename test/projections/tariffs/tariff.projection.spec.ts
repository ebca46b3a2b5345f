import type { TariffDocument } from '../../../src/projections/tariffs/tariff.document';
import { tariffProjection } from '../../../src/projections/tariffs/tariff.projection';
import { givenProjection, recordedEvent } from '../../support/projection-spec';

const STREAM = 'tariff-trf_1';
const definition = {
  currency: 'TRY',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: 7.5, stepSize: 1 }] }],
};
const upserted = (updatedAt: string, extra: object = {}) =>
  recordedEvent(STREAM, 'TariffUpserted', {
    tariffId: 'night',
    merchantId: 'mer_1',
    definition: { ...definition, ...extra },
    updatedAt,
  });

const doc: TariffDocument = {
  _id: 'trf_1',
  id: 'night',
  object: 'tariff',
  merchantId: 'mer_1',
  currency: 'TRY',
  type: null,
  tariffAltText: [],
  tariffAltUrl: null,
  minPrice: null,
  maxPrice: null,
  preauthorizeAmount: null,
  elements: definition.elements as TariffDocument['elements'],
  startDateTime: null,
  endDateTime: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

describe('tariff projection', () => {
  const spec = givenProjection(tariffProjection);

  it('shows a new tariff', () => spec.given([upserted('2026-01-01T00:00:00.000Z')]).then(doc));

  it('replaces it, keeping when it was created', () =>
    spec
      .given([
        upserted('2026-01-01T00:00:00.000Z'),
        upserted('2026-01-02T00:00:00.000Z', { preauthorizeAmount: 50_000 }),
      ])
      .then({ ...doc, preauthorizeAmount: 50_000, updatedAt: '2026-01-02T00:00:00.000Z', version: 2 }));

  it('removes a deleted tariff', () =>
    spec
      .given([
        upserted('2026-01-01T00:00:00.000Z'),
        recordedEvent(STREAM, 'TariffDeleted', {
          tariffId: 'night',
          merchantId: 'mer_1',
          deletedAt: '2026-01-03T00:00:00.000Z',
        }),
      ])
      .thenNoDocument('trf_1'));
});
