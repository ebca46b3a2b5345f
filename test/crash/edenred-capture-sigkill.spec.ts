import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { systemClock } from '../../src/infrastructure/clock';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import { EdenredSimulator } from '../../src/integrations/edenred/simulator/edenred-simulator';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { waitUntil } from '../support/wait-until';
import { CALLBACK_URL, leakedSecrets } from '../journeys/edenred-journey.fixtures';

const LOGIN = 'crash-driver@example.com';

/**
 * A real gateway process whose worker is SIGKILLed while the Edenred simulator holds the capture call,
 * then started again on the same SQLite file: the simulator's own record proves one capture per payment,
 * and order_refs keep rising across the restarts.
 */
describe('crash safety: the Edenred capture worker killed mid-call (real client, simulator over HTTP)', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-edenred-crash-'));
  const simulator = new EdenredSimulator();
  const stdout: string[] = [];
  let running: GatewayProcess | undefined;
  let key: string;
  let env: Record<string, string>;

  before(async () => {
    await simulator.listen(0, '127.0.0.1');
    simulator.addUser({ login: LOGIN, balance: 50_000 });
    env = {
      EDGEPAY_DATA_DIR: dataDir,
      SQLITE_SYNCHRONOUS: 'FULL',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...simulator.clientEnvironment(),
      EDENRED_CALLBACK_URL: CALLBACK_URL,
      EDENRED_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      EDENRED_ORDER_REF_START: '700',
      EDENRED_CAPTURE_SWEEP_INTERVAL_MS: '300',
      // Long enough that only the kill ends the held call.
      EDENRED_TRANSACTION_TIMEOUT_MS: '60000',
    };
    const setupStore = createEventStore({ dataDir });
    key = (
      await issueApiKey(
        { eventStore: setupStore, clock: systemClock },
        {
          name: 'crash',
          merchantId: 'mer_crash',
          scopes: ['payments:read', 'payments:write'],
          environment: 'test',
        },
        systemContext('crash-test'),
      )
    ).key;
    await setupStore.close();
  });
  after(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    running = await spawnGateway(env);
    running.child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
    return running;
  };
  const kill = async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
  };
  const call = async (method: string, urlPath: string, body?: unknown) => {
    const response = await fetch(`${(running as GatewayProcess).url}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const intentOf = async (id: string) => (await call('GET', `/v1/payment-intents/${id}`)).body;
  const captured = async (id: string) => {
    await waitUntil(async () => (await intentOf(id)).status === 'captured', {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: `${id} captured after the restart`,
    });
    return intentOf(id);
  };
  const pendingCapture = async (linkId: string, amount: number) => {
    const created = await call('POST', '/v1/payment-intents', {
      amount: 10_000,
      paymentMethodType: 'edenred',
      edenredLinkId: linkId,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const authorized = await call('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
      amount: 10_000,
    });
    assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
    const requested = await call('POST', `/v1/payment-intents/${created.body.id}/capture`, { amount });
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    return created.body.id as string;
  };
  const sentWith = (orderRef: number) =>
    simulator.transactionRequests().filter((body) => Number(body.order_ref) === orderRef).length;

  it('killed after Edenred recorded the payment, or while it held it unrecorded: one capture each', async () => {
    await start();
    const link = await call('POST', '/v1/edenred/links', { name: 'crash' });
    const state = new URL(link.body.authorizationUrl).searchParams.get('state') as string;
    const code = simulator.issueCode({ username: LOGIN, redirectUri: CALLBACK_URL });
    const linked = await call(
      'GET',
      `/v1/edenred/callback?${new URLSearchParams({ state, code }).toString()}`,
    );
    assert.equal(linked.body.status, 'linked');

    // 1. Recorded by Edenred, the answer held: the worker dies waiting.
    simulator.recordThenHangNext();
    const first = await pendingCapture(link.body.id, 4_000);
    await waitUntil(() => simulator.calls('transaction') === 1, {
      timeoutMs: 15_000,
      message: 'the held call',
    });
    await kill();
    await start();
    const one = await captured(first);
    assert.equal(one.amountCaptured, 4_000);
    assert.equal(sentWith(one.edenred.orderRef), 1, 'found by its order_ref, never sent again');

    // 2. Held before Edenred processed it: after the restart the same order_ref is sent, once more.
    simulator.hangNext({ operation: 'transaction' });
    const second = await pendingCapture(link.body.id, 3_000);
    const before = simulator.calls('transaction');
    await waitUntil(() => simulator.calls('transaction') === before + 1, { message: 'the held call' });
    await kill();
    await start();
    const two = await captured(second);
    assert.equal(two.amountCaptured, 3_000);
    assert.ok(two.edenred.orderRef > one.edenred.orderRef, 'order_ref rises across the restart');

    // 3. After two restarts a new payment takes a higher order_ref still.
    const third = await pendingCapture(link.body.id, 1_000);
    const three = await captured(third);
    assert.ok(three.edenred.orderRef > two.edenred.orderRef);

    const atEdenred = simulator.transactions();
    assert.deepEqual(
      atEdenred.map((t) => [t.orderRef, t.status, t.capturedAmount]),
      [
        [one.edenred.orderRef, 'captured', 4_000],
        [two.edenred.orderRef, 'captured', 3_000],
        [three.edenred.orderRef, 'captured', 1_000],
      ],
    );
    assert.equal(simulator.user(LOGIN)?.balance, 50_000 - 8_000);
    assert.ok(one.edenred.orderRef >= 700);

    assert.ok(stdout.join('').includes('Edenred capture recorded'));
    assert.deepEqual(leakedSecrets(stdout.join(''), simulator, [LOGIN]), []);
  });
});
