import assert from 'node:assert/strict';
import { systemClock } from '../../src/infrastructure/clock';
import { capturingLogger } from '../support/capturing-logger';
import { edenredError, FakeEdenred } from '../support/fake-edenred-client';
import { startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { waitUntil } from '../support/wait-until';
import { subscribe, verified, WEBHOOK_SCOPES } from './webhooks.fixtures';

const USER = 'driver@example.com';

describe('HTTP: Edenred wallet links and payments', () => {
  let api: TestGateway;
  let edenred: FakeEdenred;
  let key: string;
  let otherMerchant: string;
  let readOnly: string;
  let receiver: WebhookReceiver;
  let webhookSecret: string;
  const logs = capturingLogger();
  const responses: ApiResponse[] = [];

  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; key?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await api.request(method, path, { key, ...options });
    responses.push(response);
    return response;
  };
  const stateOf = (authorizationUrl: string) => new URL(authorizationUrl).searchParams.get('state') as string;
  const callback = (query: Record<string, string>) =>
    call('GET', `/v1/edenred/callback?${new URLSearchParams(query).toString()}`, { key: '' });

  const linkedWallet = async (balance = 50_000) => {
    const started = await call('POST', '/v1/edenred/links', { body: { name: 'fleet' } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const done = await callback({
      state: stateOf(started.body.authorizationUrl),
      code: edenred.loginCode(USER, balance),
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    return started.body.id as string;
  };

  before(async () => {
    edenred = new FakeEdenred(systemClock);
    api = await startTestGateway({
      edenredClient: edenred,
      logger: logs.logger,
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        EDENRED_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      },
    });
    key = await api.issueKey({ scopes: WEBHOOK_SCOPES });
    otherMerchant = await api.issueKey({ merchantId: 'mer_other' });
    readOnly = await api.issueKey({ scopes: ['payments:read'] });
    receiver = await startWebhookReceiver();
    webhookSecret = (await subscribe(api, key, receiver.url, ['payment_intent.*'])).secret;
  });
  after(async () => {
    await receiver.close();
    await api.close();
  });

  describe('links', () => {
    it('starts a link: pending_login and the login URL with a single-use state', async () => {
      const started = await call('POST', '/v1/edenred/links', { body: { name: 'fleet' } });
      assert.equal(started.status, 201);
      assert.equal(started.body.status, 'pending_login');
      assert.match(started.body.id, /^edl_/);
      assert.match(stateOf(started.body.authorizationUrl), new RegExp(`^${started.body.id}\\.`));
      const read = await call('GET', `/v1/edenred/links/${started.body.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.status, 'pending_login');
      assert.equal(read.body.authorizationUrl, undefined);
    });

    it('the callback links the wallet once; the same state again is refused', async () => {
      const started = await call('POST', '/v1/edenred/links', { body: {} });
      const state = stateOf(started.body.authorizationUrl);
      const done = await callback({ state, code: edenred.loginCode(USER, 1000) });
      assert.deepEqual(done.body, {
        object: 'edenred_link_callback',
        linkId: started.body.id,
        status: 'linked',
      });
      const again = await callback({ state, code: edenred.loginCode(USER) });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'login_state_invalid');
      const read = await call('GET', `/v1/edenred/links/${started.body.id}`);
      assert.equal(read.body.status, 'linked');
      assert.equal(read.body.usernameHint, 'dr***');
      assert.ok(Date.parse(read.body.accessTokenExpiresAt) > Date.now());
    });

    it('refuses a malformed or unknown state without calling Edenred', async () => {
      const exchanges = () => edenred.calls.filter((c) => c.method === 'exchangeCode').length;
      const before = exchanges();
      const malformed = await callback({ state: 'nope', code: 'x' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'login_state_invalid');
      const unknown = await callback({
        state: `edl_01JD4ZB2C3D4E5F6G7H8J9K0MN.${'a'.repeat(32)}`,
        code: 'abc',
      });
      assert.equal(unknown.status, 409);
      const missingCode = await callback({ state: `edl_01JD4ZB2C3D4E5F6G7H8J9K0MN.${'a'.repeat(32)}` });
      assert.equal(missingCode.status, 400);
      assert.equal(exchanges(), before);
    });

    it('a failed exchange (used code) asks for a new login; the new login links it', async () => {
      const started = await call('POST', '/v1/edenred/links', { body: {} });
      const done = await callback({
        state: stateOf(started.body.authorizationUrl),
        code: 'code_already_used',
      });
      assert.equal(done.body.status, 'login_required');
      const read = await call('GET', `/v1/edenred/links/${started.body.id}`);
      assert.equal(read.body.lastLoginError.code, 'INVALID_GRANT');
      const again = await call('POST', `/v1/edenred/links/${started.body.id}/login`);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const relinked = await callback({
        state: stateOf(again.body.authorizationUrl),
        code: edenred.loginCode(USER),
      });
      assert.equal(relinked.body.status, 'linked');
    });

    it("another merchant's link is not found; a read-only key cannot start one", async () => {
      const id = await linkedWallet();
      for (const path of [`/v1/edenred/links/${id}`, `/v1/edenred/links/${id}/balance`]) {
        const response = await call('GET', path, { key: otherMerchant });
        assert.equal(response.status, 404, path);
      }
      assert.equal((await call('DELETE', `/v1/edenred/links/${id}`, { key: otherMerchant })).status, 404);
      assert.equal((await call('POST', '/v1/edenred/links', { key: readOnly, body: {} })).status, 403);
    });

    it('bad input is a 400 in the envelope, and nothing is written', async () => {
      const before = (await api.allEvents()).length;
      for (const body of [
        { name: '' },
        { name: 'x'.repeat(101) },
        { paymentIntentId: 'pi_nope' },
        { token: 'x' },
        { paymentIntentId: 'pi_01JD4ZB2C3D4E5F6G7H8J9K0MN' },
      ]) {
        const response = await call('POST', '/v1/edenred/links', { body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(typeof response.body.error.code, 'string');
      }
      assert.equal((await call('GET', '/v1/edenred/links/edl_bad')).status, 400);
      assert.equal((await api.allEvents()).length, before);
    });

    it('a link bound to a card-present intent is refused', async () => {
      const intent = await call('POST', '/v1/payment-intents', {
        body: { amount: 1000, paymentMethodType: 'card_present' },
      });
      const response = await call('POST', '/v1/edenred/links', { body: { paymentIntentId: intent.body.id } });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'payment_method_mismatch');
    });

    it('shows the balance from Edenred', async () => {
      const id = await linkedWallet(12_345);
      const balance = await call('GET', `/v1/edenred/links/${id}/balance`);
      assert.equal(balance.status, 200);
      assert.deepEqual(balance.body, {
        object: 'edenred_balance',
        linkId: id,
        availableAmount: 12_345,
        productClass: 'TICKET_RESTAURANT',
        currency: 'TRY',
      });
    });

    it('removal ends the Edenred session (If-Match honoured); the link cannot pay afterwards', async () => {
      const id = await linkedWallet();
      const stale = await call('DELETE', `/v1/edenred/links/${id}`, { headers: { 'if-match': '"1"' } });
      assert.equal(stale.status, 412);
      const removed = await call('DELETE', `/v1/edenred/links/${id}`, { headers: { 'if-match': '"2"' } });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(removed.body.status, 'removed');
      assert.ok(edenred.calls.some((c) => c.method === 'endSession'));
      const intent = await call('POST', '/v1/payment-intents', {
        body: { amount: 1000, paymentMethodType: 'edenred', edenredLinkId: id },
      });
      assert.equal(intent.status, 409);
      assert.equal(intent.body.error.code, 'edenred_login_required');
    });
  });

  describe('payments', () => {
    const intentOf = async (id: string) => (await call('GET', `/v1/payment-intents/${id}`)).body;

    const authorizedIntent = async (linkId: string, authorize = 10_000) => {
      const created = await call('POST', '/v1/payment-intents', {
        body: { amount: 10_000, paymentMethodType: 'edenred', edenredLinkId: linkId },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.edenred.linkId, linkId);
      const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        body: { amount: authorize },
      });
      assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
      return created.body.id as string;
    };

    const requestCapture = async (id: string, amount = 6_000) => {
      const captured = await call('POST', `/v1/payment-intents/${id}/capture`, { body: { amount } });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.status, 'capture_pending');
    };

    it('a link started bound to an intent pays that intent, and no other', async () => {
      const created = await call('POST', '/v1/payment-intents', {
        body: { amount: 5_000, paymentMethodType: 'edenred' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const started = await call('POST', '/v1/edenred/links', { body: { paymentIntentId: created.body.id } });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.equal(started.body.paymentIntentId, created.body.id);
      const login = await callback({
        state: stateOf(started.body.authorizationUrl),
        code: edenred.loginCode(USER, 50_000),
      });
      assert.equal(login.body.status, 'linked');
      const other = await call('POST', '/v1/payment-intents', {
        body: { amount: 5_000, paymentMethodType: 'edenred', edenredLinkId: started.body.id },
      });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'edenred_link_bound');
      const noLink = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        body: { amount: 5_000 },
      });
      assert.equal(noLink.status, 400);
      assert.equal(noLink.body.error.code, 'edenred_link_required');
      const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        body: { amount: 5_000, edenredLinkId: started.body.id },
      });
      assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
      assert.deepEqual(
        [authorized.body.amountAuthorized, authorized.body.edenred.linkId],
        [5_000, started.body.id],
      );
      await requestCapture(created.body.id, 5_000);
      await waitUntil(async () => (await intentOf(created.body.id)).status === 'captured', {
        message: 'captured',
      });
    });

    it('authorizes what Edenred says can be spent, capped at the amount asked', async () => {
      const linkId = await linkedWallet(7_000);
      const created = await call('POST', '/v1/payment-intents', {
        body: { amount: 10_000, paymentMethodType: 'edenred', edenredLinkId: linkId },
      });
      const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        body: { amount: 10_000 },
      });
      assert.equal(authorized.body.status, 'authorized');
      assert.equal(authorized.body.amountAuthorized, 7_000);
      const tooMuch = await call('POST', `/v1/payment-intents/${created.body.id}/capture`, {
        body: { amount: 7_001 },
      });
      assert.equal(tooMuch.status, 409);
    });

    it('an empty wallet declines the authorization', async () => {
      const linkId = await linkedWallet(0);
      const created = await call('POST', '/v1/payment-intents', {
        body: { amount: 10_000, paymentMethodType: 'edenred', edenredLinkId: linkId },
      });
      const declined = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        body: { amount: 5_000 },
      });
      assert.equal(declined.body.status, 'authorization_failed');
      assert.equal(declined.body.lastAuthorizationError.declineCode, 'INADEQUATE_BALANCE');
    });

    it('captures through the worker with its order_ref and sends payment_intent.captured', async () => {
      const id = await authorizedIntent(await linkedWallet(50_000));
      await requestCapture(id);
      await waitUntil(async () => (await intentOf(id)).status === 'captured', { message: 'captured' });
      const intent = await intentOf(id);
      assert.equal(intent.amountCaptured, 6_000);
      assert.equal(intent.edenred.code, 'SUCCESS');
      assert.ok(Number.isInteger(intent.edenred.orderRef) && intent.edenred.orderRef >= 1);
      assert.equal(intent.edenred.amountOwed, 0);
      await waitUntil(() => receivedTypes(id).includes('payment_intent.captured'), { message: 'webhook' });
      assert.ok(receivedTypes(id).includes('payment_intent.capture_pending'));
    });

    it('a decline at capture ends in capture_failed with the code, the amount owed and its webhook', async () => {
      const id = await authorizedIntent(await linkedWallet(50_000));
      edenred.failNext(
        'createTransaction',
        edenredError('declined', 'DAILY_TRANSACTION_AMOUNT_EXCEEDED', 422),
      );
      await requestCapture(id);
      await waitUntil(async () => (await intentOf(id)).status === 'capture_failed', {
        message: 'capture_failed',
      });
      const intent = await intentOf(id);
      assert.deepEqual(
        [intent.edenred.code, intent.edenred.amountOwed, intent.amountCaptured],
        ['DAILY_TRANSACTION_AMOUNT_EXCEEDED', 6_000, 0],
      );
      await waitUntil(() => receivedTypes(id).includes('payment_intent.capture_failed'), {
        message: 'webhook',
      });
      const webhook = payloadsOf(id).find((payload) => payload.type === 'payment_intent.capture_failed');
      assert.equal(webhook.data.edenred.amountOwed, 6_000);
      assert.equal(webhook.data.edenred.code, 'DAILY_TRANSACTION_AMOUNT_EXCEEDED');
    });

    it('a configuration error ends in capture_failed with its webhook', async () => {
      const id = await authorizedIntent(await linkedWallet(50_000));
      edenred.failNext('createTransaction', edenredError('configuration', 'INVALID_MERCHANT', 400));
      await requestCapture(id);
      await waitUntil(() => receivedTypes(id).includes('payment_intent.capture_failed'), {
        message: 'webhook',
      });
      const intent = await intentOf(id);
      assert.deepEqual(
        [intent.status, intent.edenred.code, intent.edenred.amountOwed],
        ['capture_failed', 'INVALID_MERCHANT', 6_000],
      );
    });

    it('a token refused even after a refresh: the link needs a login, the intent capture_failed with its webhook', async () => {
      const linkId = await linkedWallet(50_000);
      const id = await authorizedIntent(linkId);
      edenred.failNext('createTransaction', edenredError('reauthenticate', 'USER_INACTIVE', 401), {
        times: 2,
      });
      await requestCapture(id);
      await waitUntil(() => receivedTypes(id).includes('payment_intent.capture_failed'), {
        message: 'webhook',
      });
      const intent = await intentOf(id);
      assert.deepEqual([intent.status, intent.edenred.code], ['capture_failed', 'USER_INACTIVE']);
      const link = await call('GET', `/v1/edenred/links/${linkId}`);
      assert.deepEqual(
        [link.body.status, link.body.lastLoginError.code],
        ['login_required', 'USER_INACTIVE'],
      );
    });

    it('a link cannot be removed while a capture through it is pending', async () => {
      const linkId = await linkedWallet(50_000);
      const id = await authorizedIntent(linkId);
      edenred.failNext('createTransaction', edenredError('retry_later', 'TRY_AGAIN'), { times: 50 });
      await requestCapture(id);
      await waitUntil(() => edenred.createCount() > 0, { message: 'the first try' });
      const refused = await call('DELETE', `/v1/edenred/links/${linkId}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'edenred_capture_pending');
      edenred.clearFailures();
      await waitUntil(async () => (await intentOf(id)).status === 'captured', {
        timeoutMs: 15_000,
        message: 'captured',
      });
      assert.equal((await call('DELETE', `/v1/edenred/links/${linkId}`)).status, 200);
    });

    it('a partial authorization captures what was granted; the webhook says what is owed', async () => {
      const id = await authorizedIntent(await linkedWallet(50_000));
      edenred.balances.set(USER, 2_500); // spent elsewhere during the charge: Edenred holds nothing
      edenred.partialAuthorization = true;
      try {
        await requestCapture(id, 6_000);
        await waitUntil(async () => (await intentOf(id)).status === 'captured', { message: 'captured' });
      } finally {
        edenred.partialAuthorization = false;
      }
      const intent = await intentOf(id);
      assert.deepEqual(
        [intent.amountCaptured, intent.edenred.code, intent.edenred.amountOwed],
        [2_500, 'PARTIAL_AUTH', 3_500],
      );
      await waitUntil(() => receivedTypes(id).includes('payment_intent.captured'), { message: 'webhook' });
      const webhook = payloadsOf(id).find((payload) => payload.type === 'payment_intent.captured');
      assert.deepEqual([webhook.data.amountCaptured, webhook.data.edenred.amountOwed], [2_500, 3_500]);
    });

    it('no token, refresh token or id token in any response, event or log line', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const events = (await api.allEvents()).map(({ type, data, metadata }) => ({ type, data, metadata }));
      const haystack = [
        JSON.stringify(responses.map((r) => r.body)),
        JSON.stringify(events),
        logs.lines.join('\n'),
        receiver.received.map((w) => w.body).join('\n'),
      ].join('\n');
      assert.ok(edenred.issuedSecrets.length > 10);
      assert.ok(logs.lines.length > 10, 'the gateway logged');
      for (const secret of [...edenred.issuedSecrets, USER]) {
        assert.ok(!haystack.includes(secret), 'a token or the Edenred username leaked');
      }
    });
  });

  const payloadsOf = (id: string): any[] =>
    receiver.received.map((w) => verified(webhookSecret, w)).filter((payload) => payload.data.id === id);
  const receivedTypes = (id: string): string[] => payloadsOf(id).map((payload) => payload.type);
});
