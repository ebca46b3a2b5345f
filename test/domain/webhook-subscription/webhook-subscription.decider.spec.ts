import type { WebhookSubscriptionCommand } from '../../../src/domain/webhook-subscription/webhook-subscription.commands';
import { webhookSubscriptionDecider } from '../../../src/domain/webhook-subscription/webhook-subscription.decider';
import type { WebhookSubscriptionEvent } from '../../../src/domain/webhook-subscription/webhook-subscription.events';
import { signingSecrets } from '../../../src/domain/webhook-subscription/webhook-subscription.state';
import assert from 'node:assert/strict';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(webhookSubscriptionDecider);
const T0 = '2026-01-15T10:00:00.000Z';
const T1 = '2026-01-15T11:00:00.000Z';
const sealed = (n: number) => ({
  alg: 'A256GCM' as const,
  keyId: '0123abcd',
  iv: `iv${n}`,
  ciphertext: `c${n}`,
  tag: `t${n}`,
});

const create: WebhookSubscriptionCommand = {
  type: 'CreateWebhookSubscription',
  now: T0,
  subscriptionId: 'wh_1',
  merchantId: 'mer_1',
  url: 'https://hooks.example.com/in',
  eventTypes: ['payment_intent.*', 'payment_intent.*'],
  description: null,
  secret: sealed(1),
};
const created: WebhookSubscriptionEvent = {
  type: 'WebhookSubscriptionCreated',
  data: {
    subscriptionId: 'wh_1',
    merchantId: 'mer_1',
    url: 'https://hooks.example.com/in',
    eventTypes: ['payment_intent.*'],
    description: null,
    secret: sealed(1),
    createdAt: T0,
  },
};
const disabled = (
  reason: 'manual' | 'endpoint_gone' | 'failing' = 'endpoint_gone',
): WebhookSubscriptionEvent => ({
  type: 'WebhookSubscriptionDisabled',
  data: {
    subscriptionId: 'wh_1',
    reason,
    message: reason === 'manual' ? 'disabled by request' : 'gone',
    disabledAt: T1,
  },
});
const deactivated: WebhookSubscriptionEvent = {
  type: 'WebhookSubscriptionDeactivated',
  data: { subscriptionId: 'wh_1', deactivatedAt: T1 },
};
const update = (
  fields: Partial<Extract<WebhookSubscriptionCommand, { type: 'UpdateWebhookSubscription' }>>,
) => ({ type: 'UpdateWebhookSubscription', now: T1, ...fields }) as WebhookSubscriptionCommand;

describe('webhook subscription decider', () => {
  it('creates, keeping each event type once', () => given([]).when(create).then([created]));

  it('refuses malformed event types and an empty list', () => {
    given([])
      .when({ ...create, eventTypes: ['Payment Intent'] } as WebhookSubscriptionCommand)
      .thenRefuses('invalid_event_types', 'invalid');
    given([])
      .when({ ...create, eventTypes: [] } as WebhookSubscriptionCommand)
      .thenRefuses('invalid_event_types');
  });

  it('refuses to create twice', () =>
    given([created]).when(create).thenRefuses('webhook_subscription_exists'));

  it('updates only what changed, and nothing when nothing did', () => {
    given([created])
      .when(update({ eventTypes: ['payment_intent.captured'] }))
      .then([
        {
          type: 'WebhookSubscriptionUpdated',
          data: {
            subscriptionId: 'wh_1',
            url: 'https://hooks.example.com/in',
            eventTypes: ['payment_intent.captured'],
            description: null,
            updatedAt: T1,
          },
        },
      ]);
    given([created])
      .when(update({ eventTypes: ['payment_intent.*'], status: 'active' }))
      .then([]);
  });

  it('pauses and resumes through status', () => {
    given([created])
      .when(update({ status: 'disabled' }))
      .then([disabled('manual')]);
    given([created, disabled()])
      .when(update({ status: 'active' }))
      .then([
        { type: 'WebhookSubscriptionReactivated', data: { subscriptionId: 'wh_1', reactivatedAt: T1 } },
      ]);
  });

  it('disables on the system’s word only when active', () => {
    const command: WebhookSubscriptionCommand = {
      type: 'DisableWebhookSubscription',
      now: T1,
      reason: 'endpoint_gone',
      message: 'gone',
    };
    given([created]).when(command).then([disabled()]);
    given([created, disabled()]).when(command).then([]);
  });

  it('rotates the secret, keeping the previous one for the grace period', () => {
    given([created])
      .when({ type: 'RotateWebhookSubscriptionSecret', now: T0, secret: sealed(2), gracePeriodMs: 3_600_000 })
      .then([
        {
          type: 'WebhookSubscriptionSecretRotated',
          data: { subscriptionId: 'wh_1', secret: sealed(2), previousSecretExpiresAt: T1, rotatedAt: T0 },
        },
      ]);
    const rotated: WebhookSubscriptionEvent = {
      type: 'WebhookSubscriptionSecretRotated',
      data: { subscriptionId: 'wh_1', secret: sealed(2), previousSecretExpiresAt: T1, rotatedAt: T0 },
    };
    const state = [created, rotated].reduce(
      webhookSubscriptionDecider.evolve,
      webhookSubscriptionDecider.initialState(),
    );
    if (state.status === 'empty') throw new Error('no state');
    assert.deepEqual(signingSecrets(state, T0), [sealed(2), sealed(1)]);
    assert.deepEqual(signingSecrets(state, T1), [sealed(2)]);
  });

  it('deactivates once, and then refuses changes but keeps the history', () => {
    given([created]).when({ type: 'DeactivateWebhookSubscription', now: T1 }).then([deactivated]);
    given([created, deactivated]).when({ type: 'DeactivateWebhookSubscription', now: T1 }).then([]);
    given([created, deactivated])
      .when(update({ status: 'active' }))
      .thenRefuses('webhook_subscription_deactivated', 'conflict');
  });

  it('refuses commands on a subscription that does not exist', () =>
    given([])
      .when(update({ status: 'active' }))
      .thenRefuses('webhook_subscription_not_created'));
});
