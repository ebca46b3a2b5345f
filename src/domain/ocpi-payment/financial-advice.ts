import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';

const timestamp = z.iso.datetime();

export const CAPTURE_STATUS_CODES = ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED'] as const;
export type CaptureStatusCode = (typeof CAPTURE_STATUS_CODES)[number];

/** What became of the payment of a session: SUCCESS covers the CDR's total, PARTIAL_SUCCESS less, FAILED none. */
export const captureStatusOf = (
  intent: { status: string; amountCaptured?: number },
  cdrTotalInclVat: number,
): CaptureStatusCode | undefined => {
  if (intent.status === 'captured') {
    return (intent.amountCaptured ?? 0) >= cdrTotalInclVat ? 'SUCCESS' : 'PARTIAL_SUCCESS';
  }
  if (
    intent.status === 'voided' ||
    intent.status === 'expired' ||
    intent.status === 'authorization_failed' ||
    intent.status === 'capture_failed'
  )
    return 'FAILED';
  return undefined;
};

/** The Financial Advice Confirmation (OCPI 2.3.0 Payments) we, the PTP, give a CPO for one payment intent. */
export const ocpiFinancialAdviceEventSchemas = {
  OcpiFinancialAdviceConfirmed: z.object({
    facId: z.string(),
    partyRef: z.string(),
    paymentIntentId: z.string(),
    captureStatusCode: z.enum(CAPTURE_STATUS_CODES),
    /** The object as OCPI carries it: served on our sender interface and pushed to the CPO. */
    confirmation: z.record(z.string(), z.unknown()),
    confirmedAt: timestamp,
  }),
  OcpiFinancialAdviceDelivered: z.object({ facId: z.string(), deliveredAt: timestamp }),
} as const;

export type OcpiFinancialAdviceEvent = EventsOf<typeof ocpiFinancialAdviceEventSchemas>;
export const ocpiFinancialAdviceEventCodec = zodEventCodec(ocpiFinancialAdviceEventSchemas);

type Confirmed = Extract<OcpiFinancialAdviceEvent, { type: 'OcpiFinancialAdviceConfirmed' }>['data'];

export type OcpiFinancialAdviceState =
  { status: 'empty' } | { status: 'confirmed' | 'delivered'; confirmed: Confirmed };

export type OcpiFinancialAdviceCommand = { now: string } & (
  { type: 'ConfirmFinancialAdvice'; confirmed: Omit<Confirmed, 'confirmedAt'> } | { type: 'RecordDelivery' }
);

/** One confirmation per payment intent: confirming again changes nothing, a different outcome is refused. */
export const ocpiFinancialAdviceDecider: Decider<
  OcpiFinancialAdviceState,
  OcpiFinancialAdviceCommand,
  OcpiFinancialAdviceEvent
> = {
  initialState: () => ({ status: 'empty' }),
  decide: (command, state) => {
    if (command.type === 'ConfirmFinancialAdvice') {
      if (state.status === 'empty') {
        return [
          { type: 'OcpiFinancialAdviceConfirmed', data: { ...command.confirmed, confirmedAt: command.now } },
        ];
      }
      if (state.confirmed.captureStatusCode === command.confirmed.captureStatusCode) return [];
      throw conflict('ocpi_fac_exists', 'the payment was confirmed already with another outcome');
    }
    if (state.status !== 'confirmed') return [];
    return [
      {
        type: 'OcpiFinancialAdviceDelivered',
        data: { facId: state.confirmed.facId, deliveredAt: command.now },
      },
    ];
  },
  evolve: (state, event) =>
    event.type === 'OcpiFinancialAdviceConfirmed'
      ? { status: 'confirmed', confirmed: event.data }
      : state.status === 'empty'
        ? state
        : { ...state, status: 'delivered' },
};
