import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import type {
  CancelWebhookDelivery,
  RecordWebhookDeliveryAttempt,
  ReplayWebhookDelivery,
  ScheduleWebhookDelivery,
  WebhookDeliveryCommand,
} from './webhook-delivery.commands';
import type { WebhookDeliveryEvent } from './webhook-delivery.events';
import {
  evolveWebhookDelivery,
  initialWebhookDeliveryState,
  type WebhookDeliveryState,
} from './webhook-delivery.state';

/** Scheduling twice (a dispatcher replaying its subscription) does nothing. */
const schedule = (command: ScheduleWebhookDelivery, state: WebhookDeliveryState): WebhookDeliveryEvent[] => {
  if (state.status !== 'empty') return [];
  const { deliveryId, subscriptionId, merchantId, eventId, eventType, source, now, firstAttemptJobId } =
    command;
  const scheduled: WebhookDeliveryEvent = {
    type: 'WebhookDeliveryScheduled',
    data: {
      deliveryId,
      subscriptionId,
      merchantId,
      eventId,
      eventType,
      source,
      scheduledAt: now,
      ...(firstAttemptJobId !== undefined && !command.held ? { firstAttemptJobId } : {}),
    },
  };
  if (!command.held) return [scheduled];
  return [
    scheduled,
    {
      type: 'WebhookDeliveryCanceled',
      data: { deliveryId, subscriptionId, round: 0, reason: 'subscription_disabled', canceledAt: now },
    },
  ];
};

/**
 * Only for the round in progress: a job left over from an earlier round, or one that runs twice after
 * the attempt was recorded, finds the delivery settled (or another round) and records nothing.
 */
const recordAttempt = (
  command: RecordWebhookDeliveryAttempt,
  state: WebhookDeliveryState,
): WebhookDeliveryEvent[] => {
  if (state.status !== 'pending' || state.round !== command.round) return [];
  if (command.attempt !== state.roundAttempts + 1) return [];
  const { statusCode, latencyMs, error, succeeded, now } = command;
  return [
    {
      type: 'WebhookDeliveryAttempted',
      data: {
        deliveryId: state.deliveryId,
        subscriptionId: state.subscriptionId,
        round: state.round,
        attempt: command.attempt,
        attemptedAt: now,
        statusCode,
        latencyMs,
        error,
        succeeded,
        nextAttemptAt: succeeded ? null : command.nextAttemptAt,
      },
    },
  ];
};

const cancel = (command: CancelWebhookDelivery, state: WebhookDeliveryState): WebhookDeliveryEvent[] => {
  if (state.status !== 'pending' || state.round !== command.round) return [];
  return [
    {
      type: 'WebhookDeliveryCanceled',
      data: {
        deliveryId: state.deliveryId,
        subscriptionId: state.subscriptionId,
        round: state.round,
        reason: command.reason,
        canceledAt: command.now,
      },
    },
  ];
};

const replay = (command: ReplayWebhookDelivery, state: WebhookDeliveryState): WebhookDeliveryEvent[] => {
  if (state.status === 'empty') throw conflict('webhook_delivery_not_found', 'no such webhook delivery');
  if (state.status === 'pending') {
    throw conflict('webhook_delivery_pending', 'the delivery is still being attempted');
  }
  return [
    {
      type: 'WebhookDeliveryReplayRequested',
      data: {
        deliveryId: state.deliveryId,
        subscriptionId: state.subscriptionId,
        round: state.round + 1,
        requestedAt: command.now,
      },
    },
  ];
};

export const decideWebhookDelivery = (
  command: WebhookDeliveryCommand,
  state: WebhookDeliveryState,
): WebhookDeliveryEvent[] => {
  switch (command.type) {
    case 'ScheduleWebhookDelivery':
      return schedule(command, state);
    case 'RecordWebhookDeliveryAttempt':
      return recordAttempt(command, state);
    case 'CancelWebhookDelivery':
      return cancel(command, state);
    case 'ReplayWebhookDelivery':
      return replay(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown webhook delivery command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const webhookDeliveryDecider: Decider<
  WebhookDeliveryState,
  WebhookDeliveryCommand,
  WebhookDeliveryEvent
> = {
  initialState: initialWebhookDeliveryState,
  decide: decideWebhookDelivery,
  evolve: evolveWebhookDelivery,
};

export const webhookDeliveryStreamName = (deliveryId: string): string => `webhook_delivery-${deliveryId}`;
