import assert from 'node:assert/strict';
import type { PublicEvent } from '../../../src/public-events/public-event';
import type { WebhookSubscriptionDocument } from '../../../src/projections/webhooks/webhook-subscription.document';
import { routeEvent } from '../../../src/workers/webhooks/subscription-routing';

const subscription = (id: string, routing: WebhookSubscriptionDocument['routing'], merchantId = 'mer_1') =>
  ({ _id: id, id, merchantId, routing }) as WebhookSubscriptionDocument;

const event = (type: string, extra: Partial<PublicEvent> = {}): PublicEvent => ({
  id: 'evt_1',
  type,
  version: 1,
  timestamp: '2026-01-15T10:00:00.000Z',
  merchantId: 'mer_1',
  data: {},
  ...extra,
});

describe('routing events to subscriptions', () => {
  const history = subscription('wh_1', [
    { fromPosition: '100', eventTypes: ['payment_intent.created'], status: 'active' },
    { fromPosition: '200', eventTypes: ['payment_intent.*'], status: 'active' },
    { fromPosition: '300', eventTypes: ['payment_intent.*'], status: 'disabled' },
    { fromPosition: '400', eventTypes: ['payment_intent.*'], status: 'deactivated' },
  ]);

  it('uses what the subscription asked for when the event happened', () => {
    const route = (type: string, position: bigint) => routeEvent([history], event(type), position);
    assert.deepEqual(route('payment_intent.created', 50n), [], 'before the subscription existed');
    assert.deepEqual(route('payment_intent.created', 100n), [], 'its own creation');
    assert.deepEqual(route('payment_intent.created', 150n), [{ subscriptionId: 'wh_1', held: false }]);
    assert.deepEqual(route('payment_intent.captured', 150n), []);
    assert.deepEqual(route('payment_intent.captured', 250n), [{ subscriptionId: 'wh_1', held: false }]);
    assert.deepEqual(route('payment_intent.captured', 350n), [{ subscriptionId: 'wh_1', held: true }]);
    assert.deepEqual(route('payment_intent.captured', 450n), []);
  });

  it("never sends one merchant's events to another", () =>
    assert.deepEqual(
      routeEvent(
        [subscription('wh_2', [{ fromPosition: '1', eventTypes: ['*'], status: 'active' }], 'mer_2')],
        event('payment_intent.created'),
        10n,
      ),
      [],
    ));

  it('sends a test event to its subscription only, whatever it asked for', () => {
    const subscriptions = [
      subscription('wh_1', [{ fromPosition: '1', eventTypes: ['payment_intent.created'], status: 'active' }]),
      subscription('wh_2', [{ fromPosition: '1', eventTypes: ['*'], status: 'active' }]),
    ];
    assert.deepEqual(
      routeEvent(subscriptions, event('webhook_subscription.test', { onlySubscriptionId: 'wh_1' }), 10n),
      [{ subscriptionId: 'wh_1', held: false }],
    );
  });
});
