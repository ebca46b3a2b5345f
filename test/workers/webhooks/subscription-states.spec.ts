import assert from 'node:assert/strict';
import { systemContext } from '../../../src/commands/command-context';
import { webhookSubscriptionService } from '../../../src/commands/webhooks/webhook-subscription.service';
import { signingSecrets } from '../../../src/domain/webhook-subscription/webhook-subscription.state';
import { ManualClock } from '../../../src/infrastructure/clock';
import { publicEventCatalogue } from '../../../src/public-events/catalogue';
import { createSecretBox, type SecretBox } from '../../../src/webhooks/secret-box';
import { SubscriptionStates } from '../../../src/workers/webhooks/subscription-states';
import { fakeResolver } from '../../support/fake-resolver';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

describe('the delivery worker’s subscription states', () => {
  const scope = { merchantId: 'mer_1' };
  const context = systemContext('test');
  const clock = new ManualClock(new Date('2026-11-27T06:00:00Z'));

  const setUp = async () => {
    const eventStore = new InMemoryEventStore();
    const box = createSecretBox(undefined);
    const decrypted: string[] = [];
    const countingBox: SecretBox = {
      ...box,
      decrypt: (secret, id) => {
        decrypted.push(id);
        return box.decrypt(secret, id);
      },
    };
    const subscriptions = webhookSubscriptionService({
      eventStore,
      clock,
      secretBox: box,
      urlPolicy: { requireHttps: true, allowPrivateAddresses: false },
      resolve: fakeResolver({ 'hooks.example.com': ['93.184.215.14'] }),
      catalogue: publicEventCatalogue,
      defaultSecretGracePeriodMs: 0,
    });
    const created = await subscriptions.create(
      { url: 'https://hooks.example.com/in', eventTypes: ['*'] },
      scope,
      context,
    );
    const id = created.state.status === 'empty' ? '' : created.state.subscriptionId;
    const states = new SubscriptionStates(eventStore, countingBox);
    const secretsOf = async () => {
      const state = await states.load(id);
      assert.notEqual(state.status, 'empty');
      if (state.status === 'empty') return [];
      return signingSecrets(state, clock.now().toISOString()).map((secret) => states.decrypt(secret, id));
    };
    return { subscriptions, id, created, states, secretsOf, decrypted, eventStore };
  };

  it('decrypts a signing secret once across attempts', async () => {
    const { secretsOf, created, decrypted } = await setUp();
    assert.deepEqual(await secretsOf(), [created.secret]);
    assert.deepEqual(await secretsOf(), [created.secret]);
    assert.equal(decrypted.length, 1);
  });

  it('sees a rotation and a deactivation appended after it last looked', async () => {
    const { subscriptions, id, states, secretsOf } = await setUp();
    await secretsOf();
    const rotated = await subscriptions.rotateSecret(id, 0, scope, context);
    assert.deepEqual(await secretsOf(), [rotated.secret]);
    await subscriptions.deactivate(id, scope, context);
    assert.equal((await states.load(id)).status, 'deactivated');
  });

  it('keeps at most its capacity, and folds a subscription it let go from its stream again', async () => {
    const { subscriptions, id, eventStore } = await setUp();
    const other = await subscriptions.create(
      { url: 'https://hooks.example.com/other', eventTypes: ['*'] },
      scope,
      context,
    );
    const otherId = other.state.status === 'empty' ? '' : other.state.subscriptionId;
    const states = new SubscriptionStates(eventStore, createSecretBox(undefined), 1);
    assert.equal((await states.load(id)).status, 'active');
    await subscriptions.deactivate(otherId, scope, context);
    assert.equal((await states.load(otherId)).status, 'deactivated');
    assert.equal((await states.load(id)).status, 'active');
  });
});
