import { ocpiCdrEventCodec } from '../../domain/ocpi-cdr/ocpi-cdr.events';
import { ocpiFinancialAdviceEventCodec } from '../../domain/ocpi-payment/financial-advice';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** A CDR by the payment intent it names: what a Financial Advice Confirmation reports on. */
export interface OcpiCdrDocument extends StoredDocument {
  partyRef: string;
  cdrId: string;
  paymentIntentId: string | null;
  currency: string;
  theirCost: { exclVat: number; inclVat: number };
  ourCost: { exclVat: number; vat: number; inclVat: number } | null;
  receivedAt: string;
}

export const ocpiCdrProjection: Projection<OcpiCdrDocument> = {
  name: 'ocpi_cdrs',
  collection: 'ocpi_cdrs',
  eventTypes: ['OcpiCdrReceived'],
  documentId: (event) => (event.data as { cdrRef?: string }).cdrRef ?? null,
  evolve: (_doc, recorded: RecordedEvent) => {
    const event = ocpiCdrEventCodec.decode(recorded);
    if (event.type !== 'OcpiCdrReceived') return null;
    const { cdrRef, partyRef, cdrId, paymentIntentId, currency, theirCost, ourCost, receivedAt } = event.data;
    return { _id: cdrRef, partyRef, cdrId, paymentIntentId, currency, theirCost, ourCost, receivedAt };
  },
  indexes: [{ keys: { paymentIntentId: 1 } }],
};

/** Financial Advice Confirmations as the CPO lists them (our sender interface). */
export interface OcpiFinancialAdviceDocument extends StoredDocument {
  partyRef: string;
  confirmation: Record<string, unknown> & { id: string; last_updated: string };
  delivered: boolean;
  lastUpdated: string;
}

export const ocpiFinancialAdviceProjection: Projection<OcpiFinancialAdviceDocument> = {
  name: 'ocpi_financial_advice',
  collection: 'ocpi_financial_advice',
  eventTypes: ocpiFinancialAdviceEventCodec.eventTypes,
  documentId: (event) => (event.data as { facId?: string }).facId ?? null,
  evolve: (doc, recorded: RecordedEvent) => {
    const event = ocpiFinancialAdviceEventCodec.decode(recorded);
    if (event.type === 'OcpiFinancialAdviceDelivered') return doc && { ...doc, delivered: true };
    const confirmation = event.data.confirmation as OcpiFinancialAdviceDocument['confirmation'];
    return {
      _id: event.data.facId,
      partyRef: event.data.partyRef,
      confirmation,
      delivered: false,
      lastUpdated: confirmation.last_updated,
    };
  },
  indexes: [{ keys: { partyRef: 1, lastUpdated: 1 } }, { keys: { delivered: 1, lastUpdated: 1 } }],
};
