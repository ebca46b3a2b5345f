import type { RecordedEvent } from '../infrastructure/event-store/event-store';

/** What a mapping gets: the domain event, and (when it asks for it) its stream up to and including it. */
export interface PublicEventSource {
  event: RecordedEvent;
  /** Empty unless the mapping declares `needsHistory`; fold it for the resource as of the event. */
  history: readonly RecordedEvent[];
}

export interface PublicEventContent {
  /** Whose subscriptions receive it. */
  merchantId: string;
  /** The payload: an explicit, stable view. Never spread a document or event data into it. */
  data: Record<string, unknown>;
  /** Sent to this subscription only, whatever event types it asked for (test events). */
  onlySubscriptionId?: string;
}

/**
 * One public event type and how to build it from one domain event type. Resource groups register theirs
 * in a `<resource>.public-events.ts` file listed in catalogue.ts. A payload change that could break a
 * consumer gets a new `version` (and, if needed, a new type); fields are only ever added within one.
 */
export interface PublicEventMapping {
  domainEventType: string;
  /** `<resource>.<what happened>`, lower snake case: `payment_intent.captured`. */
  publicType: string;
  version: number;
  needsHistory: boolean;
  /** Sent to one subscription named in the event, whatever types it asked for (test events). */
  targeted?: boolean;
  /** Null when this occurrence has nothing to tell subscribers. Must be pure. */
  build(source: PublicEventSource): PublicEventContent | null;
}

/** A public event, ready to be delivered to every matching subscription. */
export interface PublicEvent extends PublicEventContent {
  /** `evt_...`, derived from the domain event id: the same for every subscription and every replay. */
  id: string;
  type: string;
  version: number;
  /** When the domain event happened. */
  timestamp: string;
}

/** The request body: the Standard Webhooks shape (type, timestamp, data) plus our id and version. */
export const publicEventBody = (event: PublicEvent): string =>
  JSON.stringify({
    id: event.id,
    type: event.type,
    version: event.version,
    timestamp: event.timestamp,
    data: event.data,
  });

/**
 * Builds a resource's public events as of the event (not as it is now, so a replay sends the same
 * payload): fold the stream up to the event, then show the resource through an explicit view.
 */
export const resourceAsOfEvent =
  <D extends { merchantId: string }>(
    fromStream: (history: readonly RecordedEvent[]) => D | null,
    view: (doc: D) => Record<string, unknown>,
  ): PublicEventMapping['build'] =>
  ({ history }) => {
    const doc = fromStream(history);
    return doc && { merchantId: doc.merchantId, data: view(doc) };
  };

/** A version 1 mapping that needs the event's stream. */
export const historyMapping = (
  domainEventType: string,
  publicType: string,
  build: PublicEventMapping['build'],
): PublicEventMapping => ({ domainEventType, publicType, version: 1, needsHistory: true, build });
