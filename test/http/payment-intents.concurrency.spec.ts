import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

describe('HTTP: idempotency and races', () => {
  let api: TestGateway;
  let key: string;

  before(async () => {
    api = await startTestGateway();
    key = await api.issueKey();
  });
  after(() => api.close());

  const authorized = async () => {
    const id = (await api.request('POST', '/v1/payment-intents', { key, body: createBody() })).body.id;
    await api.request('POST', `/v1/payment-intents/${id}/authorize`, { key, body: authorizeBody() });
    return id as string;
  };
  const eventsOf = async (id: string) =>
    (await api.allEvents()).filter((event) => event.streamName === `payment_intent-${id}`);

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, marked as replayed', async () => {
      const headers = { 'idempotency-key': 'create-1' };
      const first = await api.request('POST', '/v1/payment-intents', {
        key,
        body: createBody(1234),
        headers,
      });
      const second = await api.request('POST', '/v1/payment-intents', {
        key,
        body: createBody(1234),
        headers,
      });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal(second.headers.get('etag'), first.headers.get('etag'));
      assert.equal(second.headers.get('location'), first.headers.get('location'));
      assert.equal((await eventsOf(first.body.id)).length, 1);
    });

    it('answers 422 when the key comes back with another body', async () => {
      const headers = { 'idempotency-key': 'create-2' };
      await api.request('POST', '/v1/payment-intents', { key, body: createBody(1000), headers });
      const before = (await api.allEvents()).length;
      const reused = await api.request('POST', '/v1/payment-intents', {
        key,
        body: createBody(2000),
        headers,
      });
      assert.equal(reused.status, 422);
      assert.equal(reused.body.error.code, 'idempotency_key_reused');
      assert.equal((await api.allEvents()).length, before);
    });

    it('replays a refusal too: the second capture with the same key gets the same 409', async () => {
      const id = await authorized();
      const headers = { 'idempotency-key': 'cap-too-much' };
      const first = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        body: { amount: 999_999 },
        headers,
      });
      const second = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        body: { amount: 999_999 },
        headers,
      });
      assert.equal(first.status, 409);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
    });

    it('scopes keys to the credential: another credential with the same key is a new request', async () => {
      const otherKey = await api.issueKey();
      const headers = { 'idempotency-key': 'shared-key' };
      const mine = await api.request('POST', '/v1/payment-intents', { key, body: createBody(), headers });
      const theirs = await api.request('POST', '/v1/payment-intents', {
        key: otherKey,
        body: createBody(),
        headers,
      });
      assert.equal(theirs.status, 201);
      assert.notEqual(theirs.body.id, mine.body.id);
      assert.equal(theirs.headers.get('idempotent-replayed'), null);
    });

    it('concurrent requests with one key: one effect, identical answers (or 409 while in flight)', async () => {
      const id = await authorized();
      const headers = { 'idempotency-key': 'capture-race' };
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 3_000 }, headers }),
        ),
      );
      const succeeded = responses.filter((response) => response.status === 200);
      const inFlight = responses.filter((response) => response.status === 409);
      assert.equal(
        succeeded.length + inFlight.length,
        responses.length,
        JSON.stringify(responses.map((r) => r.status)),
      );
      assert.ok(succeeded.length >= 1);
      for (const response of succeeded) assert.deepEqual(response.body, succeeded[0]?.body);
      for (const response of inFlight)
        assert.equal(response.body.error.code, 'idempotency_request_in_progress');
      const captures = (await eventsOf(id)).filter((event) => event.type === 'PaymentIntentCaptured');
      assert.equal(captures.length, 1);
      const replay = await api.request('POST', `/v1/payment-intents/${id}/capture`, {
        key,
        body: { amount: 3_000 },
        headers,
      });
      assert.deepEqual(replay.body, succeeded[0]?.body);
    });
  });

  describe('races on one intent', () => {
    it('concurrent capture and void: exactly one wins, the others get 409', async () => {
      for (let round = 0; round < 5; round++) {
        const id = await authorized();
        const responses = await Promise.all([
          api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 5_000 } }),
          api.request('POST', `/v1/payment-intents/${id}/void`, { key }),
          api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 6_000 } }),
          api.request('POST', `/v1/payment-intents/${id}/void`, { key }),
        ]);
        const statuses = responses.map((response) => response.status).sort();
        assert.deepEqual(statuses, [200, 409, 409, 409]);
        const outcomes = (await eventsOf(id)).filter((event) =>
          ['PaymentIntentCaptured', 'PaymentIntentVoided'].includes(event.type),
        );
        assert.equal(outcomes.length, 1);
        const winner = responses.find((response) => response.status === 200);
        const read = await api.request('GET', `/v1/payment-intents/${id}`, { key });
        assert.equal(read.body.status, winner?.body.status);
      }
    });

    it('never captures more than authorized under concurrent partial captures', async () => {
      const id = await authorized();
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          api.request('POST', `/v1/payment-intents/${id}/capture`, { key, body: { amount: 4_000 } }),
        ),
      );
      assert.equal(responses.filter((response) => response.status === 200).length, 1);
      const read = await api.request('GET', `/v1/payment-intents/${id}`, { key });
      assert.deepEqual([read.body.amountCaptured, read.body.amountReleased], [4_000, 6_000]);
    });
  });
});
