import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { systemClock } from '../../src/infrastructure/clock';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startGateway, type Gateway } from '../../src/runtime/gateway';
import { FakeEdenred } from '../support/fake-edenred-client';
import { waitUntil } from '../support/wait-until';

const USER = 'driver@example.com';

/**
 * The gateway stopped and started again on the same SQLite file: the order_ref counter continues above
 * every number it handed out, and the link's sealed tokens still work (same key).
 */
describe('Edenred order_ref across a gateway restart (same SQLite file)', function () {
  this.timeout(60_000);
  let dataDir: string;
  const edenred = new FakeEdenred(systemClock);

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-edenred-restart-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = () =>
    startGateway({
      config: loadConfig({
        EDGEPAY_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        SQLITE_SYNCHRONOUS: 'NORMAL',
        RATE_LIMIT_PER_MINUTE: '100000',
        EDENRED_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
        EDENRED_ORDER_REF_START: '500',
      }),
      logger: silentLogger(),
      roles: ['api', 'projector', 'worker'],
      edenredClient: edenred,
    });

  const client = (gateway: Gateway, key: string) => async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${route}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  const captureOnce = async (call: ReturnType<typeof client>, linkId: string, amount: number) => {
    const created = await call('POST', '/v1/payment-intents', {
      amount,
      paymentMethodType: 'edenred',
      edenredLinkId: linkId,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, { amount });
    assert.equal((await call('POST', `/v1/payment-intents/${created.body.id}/capture`, {})).status, 200);
    let intent: any;
    await waitUntil(async () => {
      intent = (await call('GET', `/v1/payment-intents/${created.body.id}`)).body;
      return intent.status === 'captured';
    });
    return intent.edenred.orderRef as number;
  };

  it('hands out order_refs strictly above those before the restart', async () => {
    let gateway = await start();
    const issued = await issueApiKey(
      { eventStore: gateway.infrastructure.eventStore, clock: systemClock },
      { name: 'test', merchantId: 'mer_1', scopes: ['payments:read', 'payments:write'], environment: 'test' },
      systemContext('test-setup'),
    );
    await gateway.projector?.waitForPosition(issued.position, 5000);
    let call = client(gateway, issued.key);
    const link = await call('POST', '/v1/edenred/links', { name: 'fleet' });
    const state = new URL(link.body.authorizationUrl).searchParams.get('state') as string;
    const query = new URLSearchParams({ state, code: edenred.loginCode(USER, 100_000) });
    assert.equal((await fetch(`${gateway.url}/v1/edenred/callback?${query.toString()}`)).status, 200);
    const before = [
      await captureOnce(call, link.body.id, 1_000),
      await captureOnce(call, link.body.id, 2_000),
    ];
    await gateway.close();

    gateway = await start();
    try {
      await waitUntil(async () => (await fetch(`${gateway.url}/health/ready`)).status === 200);
      call = client(gateway, issued.key);
      const after = await captureOnce(call, link.body.id, 3_000);
      assert.deepEqual([...before, after], [500, 501, 502]);
      assert.equal(edenred.transactions.size, 3);
    } finally {
      await gateway.close();
    }
  });
});
