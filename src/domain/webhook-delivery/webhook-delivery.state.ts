import type { DeliverySource, WebhookDeliveryEvent } from './webhook-delivery.events';

interface Details {
  deliveryId: string;
  subscriptionId: string;
  merchantId: string;
  eventId: string;
  eventType: string;
  source: DeliverySource;
  round: number;
  /** Attempts made in the current round. */
  roundAttempts: number;
  /** The group job that makes the first attempt (decision 0039); absent before groups. */
  firstAttemptJobId?: string;
}

export type WebhookDeliveryState =
  | { status: 'empty' }
  | ({ status: 'pending'; nextAttemptAt: string } & Details)
  | ({ status: 'succeeded' | 'failed' | 'canceled' } & Details);

export type WebhookDeliveryStatus = WebhookDeliveryState['status'];

export const initialWebhookDeliveryState = (): WebhookDeliveryState => ({ status: 'empty' });

const details = (state: WebhookDeliveryState): Details => {
  if (state.status === 'empty') throw new Error('webhook delivery event applied before scheduling');
  const { deliveryId, subscriptionId, merchantId, eventId, eventType, source, round, roundAttempts } = state;
  return {
    deliveryId,
    subscriptionId,
    merchantId,
    eventId,
    eventType,
    source,
    round,
    roundAttempts,
    ...(state.firstAttemptJobId !== undefined ? { firstAttemptJobId: state.firstAttemptJobId } : {}),
  };
};

export const evolveWebhookDelivery = (
  state: WebhookDeliveryState,
  event: WebhookDeliveryEvent,
): WebhookDeliveryState => {
  switch (event.type) {
    case 'WebhookDeliveryScheduled': {
      const { scheduledAt, firstAttemptJobId, ...scheduled } = event.data;
      return {
        ...scheduled,
        ...(firstAttemptJobId !== undefined ? { firstAttemptJobId } : {}),
        status: 'pending',
        nextAttemptAt: scheduledAt,
        round: 0,
        roundAttempts: 0,
      };
    }
    case 'WebhookDeliveryAttempted': {
      const next = { ...details(state), roundAttempts: event.data.attempt };
      if (event.data.succeeded) return { status: 'succeeded', ...next };
      if (event.data.nextAttemptAt === null) return { status: 'failed', ...next };
      return { status: 'pending', nextAttemptAt: event.data.nextAttemptAt, ...next };
    }
    case 'WebhookDeliveryCanceled':
      return { status: 'canceled', ...details(state) };
    case 'WebhookDeliveryReplayRequested':
      return {
        status: 'pending',
        nextAttemptAt: event.data.requestedAt,
        ...details(state),
        round: event.data.round,
        roundAttempts: 0,
      };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown webhook delivery event ${JSON.stringify(unreachable)}`);
    }
  }
};
