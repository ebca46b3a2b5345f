import { deterministicId } from '../../infrastructure/ids';

/**
 * The delivery id, which is also the webhook-id header: derived from the domain event and the
 * subscription, so every attempt and every replay of one event to one endpoint carries the same id.
 */
export const deliveryIdFor = (sourceEventId: string, subscriptionId: string): string =>
  deterministicId('msg', sourceEventId, subscriptionId);
