import assert from 'node:assert/strict';
import { systemClock } from '../../src/infrastructure/clock';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { GUIDE_TEST_USER } from '../../src/integrations/edenred/simulator/edenred-simulator';
import { openEdenredClient } from '../../src/runtime/edenred-client';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { waitUntil } from '../support/wait-until';

const CALLBACK = 'http://127.0.0.1:9/v1/edenred/callback';

describe('Journey: Edenred out of the box (nothing EDENRED_* set): the simulator in process, over HTTP', function () {
  this.timeout(30_000);
  let api: TestGateway;
  let key: string;

  before(async () => {
    api = await startTestGateway({ env: { EDENRED_CALLBACK_URL: CALLBACK } });
    key = await api.issueKey();
  });
  after(() => api?.close());

  const call = (method: string, path: string, body?: unknown) =>
    api.request(method, path, { key, ...(body === undefined ? {} : { body }) });

  it("logs in on the simulator's page with the guide's test user, authorizes and captures", async () => {
    const simulator = api.gateway.edenredSimulator;
    assert.ok(simulator, 'the embedded default runs the Edenred simulator in process');
    const link = await call('POST', '/v1/edenred/links', { name: 'out of the box' });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    const authorizationUrl = new URL(link.body.authorizationUrl);
    assert.equal(authorizationUrl.origin, simulator.url, 'the login page is the simulator, over HTTP');
    const page = await fetch(authorizationUrl);
    assert.equal(page.status, 200);
    const form = new URLSearchParams({
      ...Object.fromEntries(authorizationUrl.searchParams),
      username: GUIDE_TEST_USER.login,
      password: GUIDE_TEST_USER.password,
      otp: GUIDE_TEST_USER.otp,
    });
    const loggedIn = await fetch(`${simulator.url}/connect/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    assert.equal(loggedIn.status, 302);
    const back = new URL(loggedIn.headers.get('location') as string);
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    const callback = await api.request('GET', `/v1/edenred/callback${back.search}`);
    assert.equal(callback.body.status, 'linked', JSON.stringify(callback.body));

    const created = await call('POST', '/v1/payment-intents', {
      amount: 10_000,
      paymentMethodType: 'edenred',
      edenredLinkId: link.body.id,
    });
    const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
      amount: 10_000,
    });
    assert.equal(authorized.body.amountAuthorized, 10_000);
    await call('POST', `/v1/payment-intents/${created.body.id}/capture`, { amount: 4_000 });
    await waitUntil(
      async () => (await call('GET', `/v1/payment-intents/${created.body.id}`)).body.status === 'captured',
      {
        message: 'captured',
      },
    );
    assert.deepEqual(
      simulator.transactions().map((t) => [t.status, t.capturedAmount]),
      [['captured', 4_000]],
    );
    assert.equal(simulator.user(GUIDE_TEST_USER.login)?.balance, GUIDE_TEST_USER.balance - 4_000);
  });

  it('never starts a simulator implicitly in production, nor with EDENRED_SIMULATOR=false', async () => {
    const base = loadConfig({ EDGEPAY_DATA_DIR: '/tmp/unused' });
    const open = (config: typeof base, roles = ['api', 'projector', 'worker']) =>
      openEdenredClient({ config, logger: silentLogger(), clock: systemClock, roles });
    assert.deepEqual(await open({ ...base, EDGEPAY_ENV: 'production' }), {});
    assert.deepEqual(await open({ ...base, EDENRED_SIMULATOR: false }), {});
    assert.deepEqual(await open(base, ['worker']), {}, 'split roles would each have their own');
  });
});
