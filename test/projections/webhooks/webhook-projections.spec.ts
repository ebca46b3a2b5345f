import assert from 'node:assert/strict';
import { webhookDeliveryProjection } from '../../../src/projections/webhooks/webhook-delivery.projection';
import { webhookSubscriptionProjection } from '../../../src/projections/webhooks/webhook-subscription.projection';
import { project, recordedEvent, sequenced } from '../../support/projection-spec';

const T0 = '2026-01-15T10:00:00.000Z';
const T1 = '2026-01-15T10:05:00.000Z';
const T2 = '2026-01-15T10:10:00.000Z';
const secret = { alg: 'A256GCM', keyId: '0123abcd', iv: 'i', ciphertext: 'c', tag: 't' };
const subscriptionEvent = (type: string, data: Record<string, unknown>) =>
  recordedEvent('webhook_subscription-wh_1', type, { subscriptionId: 'wh_1', ...data });
const attempt = (
  deliveryId: string,
  attemptedAt: string,
  succeeded: boolean,
  extra: Record<string, unknown> = {},
) =>
  recordedEvent(`webhook_delivery-${deliveryId}`, 'WebhookDeliveryAttempted', {
    deliveryId,
    subscriptionId: 'wh_1',
    round: 0,
    attempt: 1,
    attemptedAt,
    statusCode: succeeded ? 200 : 500,
    latencyMs: 3,
    error: null,
    succeeded,
    nextAttemptAt: succeeded ? null : T2,
    ...extra,
  });
const scheduled = (deliveryId: string) =>
  recordedEvent(`webhook_delivery-${deliveryId}`, 'WebhookDeliveryScheduled', {
    deliveryId,
    subscriptionId: 'wh_1',
    merchantId: 'mer_1',
    eventId: 'evt_1',
    eventType: 'payment_intent.created',
    source: { eventId: 'e-1', streamName: 'payment_intent-pi_1', revision: 0, position: '1' },
    scheduledAt: T0,
  });

const created = subscriptionEvent('WebhookSubscriptionCreated', {
  merchantId: 'mer_1',
  url: 'https://hooks.example.com/in',
  eventTypes: ['payment_intent.*'],
  description: null,
  secret,
  createdAt: T0,
});

describe('webhook projections', () => {
  it('keeps what each subscription asked for from which position, and never its secret', () => {
    const events = sequenced([
      created,
      subscriptionEvent('WebhookSubscriptionUpdated', {
        url: 'https://hooks.example.com/in',
        eventTypes: ['payment_intent.captured'],
        description: 'x',
        updatedAt: T1,
      }),
      subscriptionEvent('WebhookSubscriptionDisabled', {
        reason: 'manual',
        message: 'paused',
        disabledAt: T1,
      }),
      subscriptionEvent('WebhookSubscriptionReactivated', { reactivatedAt: T2 }),
    ]);
    const doc = project(webhookSubscriptionProjection, events).get('wh_1');
    assert.ok(doc);
    assert.deepEqual(doc.routing, [
      { fromPosition: '1', eventTypes: ['payment_intent.*'], status: 'active' },
      { fromPosition: '2', eventTypes: ['payment_intent.captured'], status: 'active' },
      { fromPosition: '3', eventTypes: ['payment_intent.captured'], status: 'disabled' },
      { fromPosition: '4', eventTypes: ['payment_intent.captured'], status: 'active' },
    ]);
    assert.deepEqual([doc.status, doc.version, doc.description], ['active', 4, 'x']);
    assert.doesNotMatch(JSON.stringify(doc), /ciphertext/);
  });

  it('tracks delivery health without changing the subscription version', () => {
    const failing = project(
      webhookSubscriptionProjection,
      sequenced([created, attempt('msg_1', T1, false), attempt('msg_2', T2, false)]),
    ).get('wh_1');
    assert.deepEqual(failing?.deliveryHealth, { lastAttemptAt: T2, lastSuccessAt: null, failingSince: T1 });
    assert.equal(failing?.version, 1);
    const recovered = project(
      webhookSubscriptionProjection,
      sequenced([created, attempt('msg_1', T1, false), attempt('msg_2', T2, true)]),
    ).get('wh_1');
    assert.deepEqual(recovered?.deliveryHealth, { lastAttemptAt: T2, lastSuccessAt: T2, failingSince: null });
  });

  it('lists each delivery with every attempt, across replays', () => {
    const events = sequenced([
      scheduled('msg_1'),
      attempt('msg_1', T1, false, { nextAttemptAt: null, statusCode: 503 }),
      recordedEvent('webhook_delivery-msg_1', 'WebhookDeliveryReplayRequested', {
        deliveryId: 'msg_1',
        subscriptionId: 'wh_1',
        round: 1,
        requestedAt: T2,
      }),
      attempt('msg_1', T2, true, { round: 1 }),
    ]);
    const doc = project(webhookDeliveryProjection, events).get('msg_1');
    assert.deepEqual([doc?.status, doc?.round, doc?.nextAttemptAt], ['succeeded', 1, null]);
    assert.deepEqual(
      doc?.attempts.map((entry) => [entry.round, entry.attempt, entry.statusCode, entry.succeeded]),
      [
        [0, 1, 503, false],
        [1, 1, 200, true],
      ],
    );
  });
});
