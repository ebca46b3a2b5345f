import {
  webhookDeliveryDecider,
  webhookDeliveryStreamName,
} from '../../domain/webhook-delivery/webhook-delivery.decider';
import type {
  RecordWebhookDeliveryAttempt,
  ScheduleWebhookDelivery,
} from '../../domain/webhook-delivery/webhook-delivery.commands';
import {
  webhookDeliveryEventCodec,
  type CancelReason,
} from '../../domain/webhook-delivery/webhook-delivery.events';
import type { WebhookDeliveryState } from '../../domain/webhook-delivery/webhook-delivery.state';
import { notFound } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { CommandContext } from '../command-context';
import { commandHandlerFor, type CommandResult } from '../command-handler';

export interface WebhookDeliveryServiceDeps {
  eventStore: EventStore;
  clock: Clock;
}

type Result = CommandResult<WebhookDeliveryState>;
export const webhookDeliveryAggregate = {
  decider: webhookDeliveryDecider,
  codec: webhookDeliveryEventCodec,
  streamName: webhookDeliveryStreamName,
};

export type ScheduleInput = Omit<ScheduleWebhookDelivery, 'type' | 'now'>;
export type AttemptInput = Omit<RecordWebhookDeliveryAttempt, 'type' | 'now'>;

export const webhookDeliveryService = (deps: WebhookDeliveryServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const handler = commandHandlerFor(deps.eventStore, webhookDeliveryAggregate);
  const run = (
    deliveryId: string,
    command: Parameters<typeof webhookDeliveryDecider.decide>[0],
    context: CommandContext,
    guard?: (state: WebhookDeliveryState) => void,
  ): Promise<Result> => handler.handle(deliveryId, command, context, guard ? { guard } : {});

  return {
    load: async (deliveryId: string): Promise<WebhookDeliveryState> => (await handler.load(deliveryId)).state,

    /**
     * For the worker's check before an attempt: the cached state when the stream head has not moved (no
     * read in a process that scheduled the delivery itself). A head up to 20 ms behind another process can
     * at worst let a duplicate job send once more, as two concurrent jobs could: `recordAttempt` checks
     * the stream again and records no second attempt.
     */
    loadForAttempt: async (deliveryId: string): Promise<WebhookDeliveryState> =>
      (await handler.load(deliveryId, { byHead: true })).state,

    /** Each delivery id is scheduled once; only a replay after a crash finds its stream already there. */
    schedule: (input: ScheduleInput, context: CommandContext) =>
      handler.handle(input.deliveryId, { type: 'ScheduleWebhookDelivery', now: now(), ...input }, context, {
        assumeNew: true,
      }),

    /** `at` is when the attempt was made, which the caller measured. */
    recordAttempt: (deliveryId: string, input: AttemptInput, at: string, context: CommandContext) =>
      run(deliveryId, { type: 'RecordWebhookDeliveryAttempt', now: at, ...input }, context),

    cancel: (deliveryId: string, round: number, reason: CancelReason, context: CommandContext) =>
      run(deliveryId, { type: 'CancelWebhookDelivery', now: now(), round, reason }, context),

    /** Sends a settled delivery again, with the same webhook-id; only within the given subscription. */
    replay: (deliveryId: string, subscriptionId: string, merchantId: string, context: CommandContext) =>
      run(deliveryId, { type: 'ReplayWebhookDelivery', now: now() }, context, (state) => {
        if (
          state.status === 'empty' ||
          state.subscriptionId !== subscriptionId ||
          state.merchantId !== merchantId
        ) {
          throw notFound('webhook_delivery_not_found', `no webhook delivery ${deliveryId}`);
        }
      }),
  };
};

export type WebhookDeliveryService = ReturnType<typeof webhookDeliveryService>;
