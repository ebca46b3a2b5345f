import type { TariffElement, PriceLimit } from '../../domain/tariff/tariff.model';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export const TARIFFS_COLLECTION = 'tariffs';

/** The tariff read model: the API resource plus `_id` (the stream's id, unique across merchants). */
export interface TariffDocument extends StoredDocument {
  id: string;
  object: 'tariff';
  merchantId: string;
  currency: string;
  type: string | null;
  tariffAltText: { language: string; text: string }[];
  tariffAltUrl: string | null;
  minPrice: PriceLimit | null;
  maxPrice: PriceLimit | null;
  preauthorizeAmount: number | null;
  elements: TariffElement[];
  startDateTime: string | null;
  endDateTime: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}
