import { ocpiCdrEventCodec } from '../domain/ocpi-cdr/ocpi-cdr.events';
import type { PublicEventMapping } from './public-event';

/**
 * A CPO's CDR whose total is not the one we compute: to the merchant of the payment intent the CDR
 * names (a CDR naming none of our intents has no one to tell; the event stays in the audit trail).
 */
export const ocpiPublicEvents: readonly PublicEventMapping[] = [
  {
    domainEventType: 'OcpiCdrCostMismatched',
    publicType: 'ocpi_cdr.cost_mismatched',
    version: 1,
    needsHistory: false,
    build: ({ event }) => {
      const decoded = ocpiCdrEventCodec.decode(event);
      if (decoded.type !== 'OcpiCdrCostMismatched' || decoded.data.merchantId === null) return null;
      const { cdrId, paymentIntentId, currency, theirInclVat, ourInclVat, difference } = decoded.data;
      return {
        merchantId: decoded.data.merchantId,
        data: {
          cdrId,
          paymentIntentId,
          currency,
          cpoTotalInclVat: theirInclVat,
          computedTotalInclVat: ourInclVat,
          difference,
        },
      };
    },
  },
];
