import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';
import { MAX_ORDER_REF } from '../payment-intent/payment-intent.events';

/**
 * Edenred's order_ref: numeric, strictly increasing, below 2,147,483,647, never reused. One stream holds
 * the counter; each allocation is appended with the stream's exact expected revision, so two workers
 * racing get different numbers and a restart continues from the last one written (docs/decisions/0030).
 */
export const edenredOrderRefEventSchemas = {
  EdenredOrderRefAllocated: z.object({
    orderRef: z.number().int().min(1).max(MAX_ORDER_REF),
    paymentIntentId: z.string(),
    allocatedAt: z.iso.datetime(),
  }),
} as const;

export type EdenredOrderRefEvent = EventsOf<typeof edenredOrderRefEventSchemas>;
export const edenredOrderRefEventCodec = zodEventCodec(edenredOrderRefEventSchemas);

export interface AllocateOrderRef {
  type: 'AllocateOrderRef';
  now: string;
  paymentIntentId: string;
  /** The first number to hand out on an empty counter (configurable: a new deployment may start above 1). */
  first: number;
}

export interface OrderRefCounterState {
  last: number | null;
}

export const edenredOrderRefDecider: Decider<OrderRefCounterState, AllocateOrderRef, EdenredOrderRefEvent> = {
  initialState: () => ({ last: null }),
  decide: (command, state) => {
    const orderRef = state.last === null ? command.first : state.last + 1;
    if (orderRef > MAX_ORDER_REF) throw conflict('order_ref_exhausted', 'no Edenred order_ref is left');
    return [
      {
        type: 'EdenredOrderRefAllocated',
        data: { orderRef, paymentIntentId: command.paymentIntentId, allocatedAt: command.now },
      },
    ];
  },
  evolve: (_state, event) => ({ last: event.data.orderRef }),
};

/** The one counter stream. */
export const ORDER_REF_COUNTER_ID = 'counter';
export const edenredOrderRefStreamName = (id: string): string => `edenred_order_ref-${id}`;
