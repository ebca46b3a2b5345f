import {
  edenredOrderRefDecider,
  edenredOrderRefEventCodec,
  edenredOrderRefStreamName,
  ORDER_REF_COUNTER_ID,
} from '../../domain/edenred-order-ref/edenred-order-ref';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { CommandContext } from '../command-context';
import { commandHandlerFor } from '../command-handler';

/**
 * Hands out order_refs from the counter stream. The handler appends with the exact expected revision
 * and decides again on a lost race, so concurrent workers (and processes) never get the same number.
 */
export const edenredOrderRefs = (deps: { eventStore: EventStore; clock: Clock; first: number }) => {
  const handler = commandHandlerFor(deps.eventStore, {
    decider: edenredOrderRefDecider,
    codec: edenredOrderRefEventCodec,
    streamName: edenredOrderRefStreamName,
  });
  return {
    async allocate(paymentIntentId: string, context: CommandContext): Promise<number> {
      const result = await handler.handle(
        ORDER_REF_COUNTER_ID,
        { type: 'AllocateOrderRef', now: deps.clock.now().toISOString(), paymentIntentId, first: deps.first },
        context,
      );
      const last = result.state.last;
      if (last === null) throw new Error('the order_ref counter allocated nothing');
      return last;
    },
  };
};

export type EdenredOrderRefs = ReturnType<typeof edenredOrderRefs>;
