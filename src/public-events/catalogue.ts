import type { RecordedEvent } from '../infrastructure/event-store/event-store';
import { deterministicId } from '../infrastructure/ids';
import { chargePublicEvents } from './charge.public-events';
import { ocpiPublicEvents } from './ocpi.public-events';
import { paymentIntentPublicEvents } from './payment-intent.public-events';
import type { PublicEvent, PublicEventMapping } from './public-event';
import { terminalAttestationPublicEvents, terminalPublicEvents } from './terminal.public-events';
import { webhookPublicEvents } from './webhook.public-events';

export interface PublicEventCatalogue {
  /** True when the domain event type has a public counterpart. */
  handles(domainEventType: string): boolean;
  needsHistory(domainEventType: string): boolean;
  /** The public type a domain event type becomes, and whether it goes to one named subscription only. */
  publicTypeOf(domainEventType: string): { publicType: string; targeted: boolean } | undefined;
  /** `history` is the event's stream up to and including it (empty when not needed). */
  toPublicEvent(event: RecordedEvent, history: readonly RecordedEvent[]): PublicEvent | null;
  publicTypes(): readonly string[];
  /** `*`, `<resource>.*` for a resource with public events, or a public event type. */
  isKnownPattern(pattern: string): boolean;
}

export const createCatalogue = (mappings: readonly PublicEventMapping[]): PublicEventCatalogue => {
  const byDomainType = new Map<string, PublicEventMapping>();
  for (const mapping of mappings) {
    if (byDomainType.has(mapping.domainEventType)) {
      throw new Error(`two public events map ${mapping.domainEventType}`);
    }
    byDomainType.set(mapping.domainEventType, mapping);
  }
  const types = [...new Set(mappings.map((mapping) => mapping.publicType))].sort();
  const resources = new Set(types.map((type) => type.split('.')[0]));
  return {
    handles: (type) => byDomainType.has(type),
    needsHistory: (type) => byDomainType.get(type)?.needsHistory ?? false,
    publicTypeOf: (type) => {
      const mapping = byDomainType.get(type);
      return mapping && { publicType: mapping.publicType, targeted: mapping.targeted === true };
    },
    toPublicEvent: (event, history) => {
      const mapping = byDomainType.get(event.type);
      const content = mapping?.build({ event, history });
      if (!mapping || !content) return null;
      return {
        ...content,
        id: deterministicId('evt', event.id),
        type: mapping.publicType,
        version: mapping.version,
        timestamp: event.metadata.occurredAt,
      };
    },
    publicTypes: () => types,
    isKnownPattern: (pattern) =>
      pattern === '*' ||
      (pattern.endsWith('.*') ? resources.has(pattern.slice(0, -2)) : types.includes(pattern)),
  };
};

/** Every public event type. New aggregates add one `<resource>.public-events.ts` file and one line here. */
export const publicEventCatalogue: PublicEventCatalogue = createCatalogue([
  ...paymentIntentPublicEvents,
  ...chargePublicEvents,
  ...terminalPublicEvents,
  ...terminalAttestationPublicEvents,
  ...webhookPublicEvents,
  ...ocpiPublicEvents,
]);
