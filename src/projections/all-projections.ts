import type { StoredDocument } from '../infrastructure/read-store/read-store';
import { apiKeyProjection } from './api-keys/api-key.projection';
import { paymentIntentProjection } from './payment-intents/payment-intent.projection';
import type { Projection } from './projection';

/** Every read model the gateway serves; the projector feeds all of them from one subscription. */
export const allProjections: readonly Projection<StoredDocument>[] = [
  paymentIntentProjection as unknown as Projection<StoredDocument>,
  apiKeyProjection as unknown as Projection<StoredDocument>,
];
