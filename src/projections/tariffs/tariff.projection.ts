import { tariffEventCodec } from '../../domain/tariff/tariff.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { TARIFFS_COLLECTION, type TariffDocument } from './tariff.document';

/** `tariff-trf_...` -> `trf_...`: one document per stream. */
const documentIdOf = (streamName: string): string => streamName.slice('tariff-'.length);

export const evolveTariffDocument = (
  doc: TariffDocument | null,
  recorded: RecordedEvent,
): TariffDocument | null => {
  const event = tariffEventCodec.decode(recorded);
  if (event.type === 'TariffDeleted') return null;
  const { tariffId, merchantId, definition, updatedAt } = event.data;
  return {
    _id: documentIdOf(recorded.streamName),
    id: tariffId,
    object: 'tariff',
    merchantId,
    currency: definition.currency,
    type: definition.type ?? null,
    tariffAltText: definition.tariffAltText ?? [],
    tariffAltUrl: definition.tariffAltUrl ?? null,
    minPrice: definition.minPrice ?? null,
    maxPrice: definition.maxPrice ?? null,
    preauthorizeAmount: definition.preauthorizeAmount ?? null,
    elements: definition.elements,
    startDateTime: definition.startDateTime ?? null,
    endDateTime: definition.endDateTime ?? null,
    createdAt: doc?.createdAt ?? updatedAt,
    updatedAt,
    version: recorded.revision + 1,
  };
};

export const tariffProjection: Projection<TariffDocument> = {
  name: 'tariffs',
  collection: TARIFFS_COLLECTION,
  eventTypes: tariffEventCodec.eventTypes,
  documentId: (event) => (event.streamName.startsWith('tariff-') ? documentIdOf(event.streamName) : null),
  evolve: evolveTariffDocument,
  indexes: [{ keys: { merchantId: 1, id: 1 }, unique: true }],
};

/** Renders the resource straight from its stream; null when it does not exist (or was deleted). */
export const tariffFromStream = (stream: readonly RecordedEvent[]): TariffDocument | null =>
  stream.reduce<TariffDocument | null>(evolveTariffDocument, null);
