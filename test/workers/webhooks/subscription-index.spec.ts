import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../../src/infrastructure/event-store/event-store';
import type { WebhookSubscriptionDocument } from '../../../src/projections/webhooks/webhook-subscription.document';
import { SubscriptionIndex } from '../../../src/workers/webhooks/subscription-index';

const at = '2026-01-15T10:00:00.000Z';
let revision = 0;
const recorded = (position: bigint, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `e${position}`,
  type,
  data,
  metadata: { correlationId: 't', actor: { id: 't', kind: 'system' }, occurredAt: at, schemaVersion: 1 },
  streamName: `webhook_subscription-${String(data.subscriptionId)}`,
  revision: revision++,
  position,
  recordedAt: at,
});

const created = (position: bigint, id: string, merchantId: string, eventTypes: string[]) =>
  recorded(position, 'WebhookSubscriptionCreated', {
    subscriptionId: id,
    merchantId,
    url: 'https://example.com/hook',
    eventTypes,
    description: null,
    secret: { alg: 'A256GCM', keyId: '0123abcd', iv: 'aa', ciphertext: 'bb', tag: 'cc' },
    createdAt: at,
  });

describe('the dispatcher’s subscription index', () => {
  it('knows no subscription wants anything until one is created', () => {
    const index = new SubscriptionIndex();
    assert.equal(index.couldWant('payment_intent.created', false), false);
    assert.equal(index.couldWant('webhook_subscription.test', true), false);
    index.apply(created(10n, 'wh_1', 'mer_1', ['charge.*']));
    assert.equal(index.couldWant('payment_intent.created', false), false);
    assert.equal(index.couldWant('charge.completed', false), true);
    assert.equal(index.couldWant('webhook_subscription.test', true), true);
    assert.deepEqual(
      index.forMerchant('mer_1').map((doc) => doc.id),
      ['wh_1'],
    );
    assert.deepEqual(index.forMerchant('mer_2'), []);
  });

  it('follows changes, keeps the routing history, and ignores an event it already folded', () => {
    const index = new SubscriptionIndex();
    index.apply(created(10n, 'wh_1', 'mer_1', ['charge.*']));
    const update = recorded(20n, 'WebhookSubscriptionUpdated', {
      subscriptionId: 'wh_1',
      url: 'https://example.com/hook',
      eventTypes: ['payment_intent.*'],
      description: null,
      updatedAt: at,
    });
    index.apply(update);
    index.apply(update);
    const [doc] = index.forMerchant('mer_1');
    assert.deepEqual(
      doc?.routing.map((entry) => entry.fromPosition),
      ['10', '20'],
    );
    assert.equal(index.couldWant('payment_intent.captured', false), true);
    assert.equal(index.couldWant('charge.completed', false), true, 'an event from before the update');
    index.apply(
      recorded(30n, 'WebhookSubscriptionDeactivated', { subscriptionId: 'wh_1', deactivatedAt: at }),
    );
    assert.equal(index.couldWant('terminal.offline', false), false);
  });

  it('is seeded from read-model documents and skips the events they already hold', () => {
    const index = new SubscriptionIndex();
    const seeded = {
      _id: 'wh_9',
      id: 'wh_9',
      merchantId: 'mer_9',
      routing: [{ fromPosition: '5', eventTypes: ['terminal.*'], status: 'active' }],
      _position: '50',
    } as unknown as WebhookSubscriptionDocument;
    index.seed([seeded]);
    index.apply(
      recorded(40n, 'WebhookSubscriptionDeactivated', { subscriptionId: 'wh_9', deactivatedAt: at }),
    );
    assert.equal(index.couldWant('terminal.offline', false), true);
  });
});
