import type { WebhookDeliveryCommand } from '../../../src/domain/webhook-delivery/webhook-delivery.commands';
import { webhookDeliveryDecider } from '../../../src/domain/webhook-delivery/webhook-delivery.decider';
import type { WebhookDeliveryEvent } from '../../../src/domain/webhook-delivery/webhook-delivery.events';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(webhookDeliveryDecider);
const T0 = '2026-01-15T10:00:00.000Z';
const T1 = '2026-01-15T10:00:05.000Z';
const source = { eventId: 'e-1', streamName: 'payment_intent-pi_1', revision: 0, position: '10' };
const ids = { deliveryId: 'msg_1', subscriptionId: 'wh_1' };

const schedule: WebhookDeliveryCommand = {
  type: 'ScheduleWebhookDelivery',
  now: T0,
  ...ids,
  merchantId: 'mer_1',
  eventId: 'evt_1',
  eventType: 'payment_intent.created',
  source,
  held: false,
};
const scheduled: WebhookDeliveryEvent = {
  type: 'WebhookDeliveryScheduled',
  data: {
    ...ids,
    merchantId: 'mer_1',
    eventId: 'evt_1',
    eventType: 'payment_intent.created',
    source,
    scheduledAt: T0,
  },
};
const attempt = (
  n: number,
  fields: Partial<Extract<WebhookDeliveryCommand, { type: 'RecordWebhookDeliveryAttempt' }>> = {},
) =>
  ({
    type: 'RecordWebhookDeliveryAttempt',
    now: T1,
    round: 0,
    attempt: n,
    statusCode: 500,
    latencyMs: 12,
    error: null,
    succeeded: false,
    nextAttemptAt: T1,
    ...fields,
  }) as WebhookDeliveryCommand;
const attempted = (
  n: number,
  fields: Partial<Extract<WebhookDeliveryEvent, { type: 'WebhookDeliveryAttempted' }>['data']> = {},
): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryAttempted',
  data: {
    ...ids,
    round: 0,
    attempt: n,
    attemptedAt: T1,
    statusCode: 500,
    latencyMs: 12,
    error: null,
    succeeded: false,
    nextAttemptAt: T1,
    ...fields,
  },
});
const lastFailure = attempted(1, { nextAttemptAt: null });

describe('webhook delivery decider', () => {
  it('schedules once; scheduling again is a no-op', () => {
    given([]).when(schedule).then([scheduled]);
    given([scheduled]).when(schedule).then([]);
  });

  it('records the group job that makes the first attempt, except for a delivery held', () => {
    const grouped = { ...schedule, firstAttemptJobId: 'whg-1' } as WebhookDeliveryCommand;
    given([])
      .when(grouped)
      .then([
        { ...scheduled, data: { ...scheduled.data, firstAttemptJobId: 'whg-1' } } as WebhookDeliveryEvent,
      ]);
    const held = given([]).when({ ...grouped, held: true } as WebhookDeliveryCommand);
    held.then([
      scheduled,
      {
        type: 'WebhookDeliveryCanceled',
        data: { ...ids, round: 0, reason: 'subscription_disabled', canceledAt: T0 },
      },
    ]);
  });

  it('records a delivery for a disabled subscription as canceled, to be replayed', () =>
    given([])
      .when({ ...schedule, held: true } as WebhookDeliveryCommand)
      .then([
        scheduled,
        {
          type: 'WebhookDeliveryCanceled',
          data: { ...ids, round: 0, reason: 'subscription_disabled', canceledAt: T0 },
        },
      ]));

  it('records attempts in order, and ignores a duplicate or out-of-order one', () => {
    given([scheduled])
      .when(attempt(1))
      .then([attempted(1)]);
    given([scheduled, attempted(1)])
      .when(attempt(1))
      .then([]);
    given([scheduled]).when(attempt(2)).then([]);
  });

  it('records nothing once settled or for another round', () => {
    const succeeded = attempted(1, { statusCode: 200, succeeded: true, nextAttemptAt: null });
    given([scheduled, succeeded]).when(attempt(2)).then([]);
    given([scheduled])
      .when(attempt(1, { round: 1 }))
      .then([]);
  });

  it('a success never schedules a next attempt', () =>
    given([scheduled])
      .when(attempt(1, { statusCode: 204, succeeded: true, nextAttemptAt: T1 }))
      .then([attempted(1, { statusCode: 204, succeeded: true, nextAttemptAt: null })]));

  it('replays a settled delivery as a new round; refuses while pending', () => {
    given([scheduled, lastFailure])
      .when({ type: 'ReplayWebhookDelivery', now: T1 })
      .then([{ type: 'WebhookDeliveryReplayRequested', data: { ...ids, round: 1, requestedAt: T1 } }]);
    given([scheduled])
      .when({ type: 'ReplayWebhookDelivery', now: T1 })
      .thenRefuses('webhook_delivery_pending', 'conflict');
    const replayed: WebhookDeliveryEvent = {
      type: 'WebhookDeliveryReplayRequested',
      data: { ...ids, round: 1, requestedAt: T1 },
    };
    given([scheduled, lastFailure, replayed])
      .when(attempt(1, { round: 1 }))
      .then([attempted(1, { round: 1 })]);
  });

  it('cancels only the round in progress', () => {
    const cancel: WebhookDeliveryCommand = {
      type: 'CancelWebhookDelivery',
      now: T1,
      round: 0,
      reason: 'subscription_deactivated',
    };
    given([scheduled])
      .when(cancel)
      .then([
        {
          type: 'WebhookDeliveryCanceled',
          data: { ...ids, round: 0, reason: 'subscription_deactivated', canceledAt: T1 },
        },
      ]);
    given([scheduled, lastFailure]).when(cancel).then([]);
  });
});
