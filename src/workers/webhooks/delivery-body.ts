import type { DeliverySource } from '../../domain/webhook-delivery/webhook-delivery.events';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import { publicEventBody } from '../../public-events/public-event';

/**
 * Builds a delivery's body again from the event it announces (for a replay, or a delivery resumed after
 * the queue lost it). The catalogue's builders are pure over the stream up to the event, so the body is
 * the one first sent. Null when the event can no longer be found or mapped.
 */
export const rebuildDeliveryBody = async (
  eventStore: EventStore,
  catalogue: PublicEventCatalogue,
  source: DeliverySource,
): Promise<string | null> => {
  const history = await eventStore.readStream(source.streamName);
  const event = history[source.revision];
  if (!event || event.id !== source.eventId) return null;
  const publicEvent = catalogue.toPublicEvent(
    event,
    catalogue.needsHistory(event.type) ? history.slice(0, source.revision + 1) : [],
  );
  return publicEvent && publicEventBody(publicEvent);
};
