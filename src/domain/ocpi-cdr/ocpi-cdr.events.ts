import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();
const minor = z.number().int();
const cost = z.object({ exclVat: minor, inclVat: minor });

export const ocpiCdrEventSchemas = {
  /**
   * A CPO's Charge Detail Record (immutable in OCPI), with its total cost in minor units and the cost we
   * compute for the same charging periods with the tariff engine (null when no tariff of it is known).
   */
  OcpiCdrReceived: z.object({
    cdrRef: z.string(),
    partyRef: z.string(),
    countryCode: z.string().length(2),
    partyId: z.string().length(3),
    cdrId: z.string(),
    currency: z.string(),
    /** The CDR's authorization_reference: our payment intent, in the PTP flow. */
    paymentIntentId: z.string().nullable(),
    /** The intent's merchant, who hears about a mismatch; null when the CDR names no intent of ours. */
    merchantId: z.string().nullable(),
    tariffId: z.string().nullable(),
    theirCost: cost,
    ourCost: cost.extend({ vat: minor }).nullable(),
    cdr: z.record(z.string(), z.unknown()),
    receivedAt: timestamp,
  }),
  /** Their total including VAT is not ours: someone has to look before the charge is settled on it. */
  OcpiCdrCostMismatched: z.object({
    cdrRef: z.string(),
    cdrId: z.string(),
    partyRef: z.string(),
    merchantId: z.string().nullable(),
    paymentIntentId: z.string().nullable(),
    currency: z.string(),
    theirInclVat: minor,
    ourInclVat: minor,
    /** Theirs minus ours, minor units. */
    difference: minor,
  }),
} as const;

export type OcpiCdrEvent = EventsOf<typeof ocpiCdrEventSchemas>;
export const ocpiCdrEventCodec = zodEventCodec(ocpiCdrEventSchemas);
