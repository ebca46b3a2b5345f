import assert from 'node:assert/strict';
import { ManualClock } from '../../src/infrastructure/clock';
import { eventually } from '../support/eventually';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

describe('HTTP: authorization expiry', () => {
  const clock = new ManualClock(new Date());
  let api: TestGateway;
  let key: string;

  before(async () => {
    api = await startTestGateway({
      clock,
      env: { AUTHORIZATION_TTL_MINUTES: '30', EXPIRY_SWEEP_INTERVAL_MS: '50' },
    });
    key = await api.issueKey();
  });
  after(() => api.close());

  const authorized = async () => {
    const id = (await api.request('POST', '/v1/payment-intents', { key, body: createBody() })).body
      .id as string;
    const auth = await api.request('POST', `/v1/payment-intents/${id}/authorize`, {
      key,
      body: authorizeBody(),
    });
    assert.equal(auth.status, 200);
    return { id, expiresAt: auth.body.expiresAt as string, authorizedAt: auth.body.authorizedAt as string };
  };

  it('sets the expiry from the configured time to live', async () => {
    const { expiresAt, authorizedAt } = await authorized();
    assert.equal(Date.parse(expiresAt) - Date.parse(authorizedAt), 30 * 60_000);
  });

  it('expires an open authorization once its time is past, releasing it, and refuses to capture it', async () => {
    const { id } = await authorized();
    const captured = await authorized();
    await api.request('POST', `/v1/payment-intents/${captured.id}/capture`, { key });
    clock.advance(31 * 60_000);

    const late = await api.request('POST', `/v1/payment-intents/${id}/capture`, { key });
    assert.ok(late.status === 409, JSON.stringify(late.body));
    assert.ok(['authorization_expired', 'payment_intent_unexpected_state'].includes(late.body.error.code));

    const expired = await eventually(async () => {
      const read = await api.request('GET', `/v1/payment-intents/${id}`, { key });
      assert.equal(read.body.status, 'expired');
      return read.body;
    });
    assert.equal(expired.amountReleased, 10_000);
    const events = (await api.allEvents()).filter((event) => event.streamName === `payment_intent-${id}`);
    assert.equal(events.filter((event) => event.type === 'PaymentIntentExpired').length, 1);
    assert.equal(events.at(-1)?.metadata.actor.kind, 'system');

    const untouched = await api.request('GET', `/v1/payment-intents/${captured.id}`, { key });
    assert.equal(untouched.body.status, 'captured');
  });
});
