import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { systemClock } from '../../src/infrastructure/clock';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { authorizeBody, createBody } from '../http/payment-intents.fixtures';
import { CHARGING_SCOPES, energyTariff } from '../http/adhoc-charges.fixtures';
import { spawnCrashingGateway, type CrashPoint } from '../support/charge-crash-gateway';
import { eventually } from '../support/eventually';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';

const call = async (url: string, key: string, method: string, route: string, body?: unknown) => {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
};

const readStreams = async (dataDir: string, ...streamNames: string[]): Promise<RecordedEvent[][]> => {
  const store = createEventStore({ dataDir });
  try {
    return await Promise.all(streamNames.map((name) => store.readStream(name)));
  } finally {
    await store.close();
  }
};

const count = (events: readonly RecordedEvent[], type: string) =>
  events.filter((event) => event.type === type).length;

/**
 * A real process, really killed (SIGKILL, from inside, at the exact step), restarted on the same SQLite
 * files: the completed charge is captured after the restart, and the intent is captured exactly once.
 */
describe('crash safety: a process killed between a charge completing and its capture (SQLite)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const running: GatewayProcess[] = [];

  after(async () => {
    for (const gateway of running) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const scenario = async (crashAt: CrashPoint) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-charge-crash-'));
    dirs.push(dataDir);
    const env = {
      EDGEPAY_DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '100000',
      CHARGE_SWEEP_INTERVAL_MS: '50',
      CPMS_POLL_INTERVAL_MS: '50',
    };
    const setup = createEventStore({ dataDir });
    const { key } = await issueApiKey(
      { eventStore: setup, clock: systemClock },
      { name: 'crash', merchantId: 'mer_crash', scopes: CHARGING_SCOPES, environment: 'test' },
      systemContext('charge-crash-test'),
    );
    await setup.close();

    const first = await spawnCrashingGateway(env, crashAt);
    running.push(first);
    const url = first.url;
    assert.equal((await call(url, key, 'PUT', '/v1/tariffs/energy', energyTariff)).status, 201);
    const intent = await call(url, key, 'POST', '/v1/payment-intents', createBody(20_000));
    await call(url, key, 'POST', `/v1/payment-intents/${intent.body.id}/authorize`, authorizeBody(20_000));
    const started = await call(url, key, 'POST', '/v1/adhoc-charges/start', {
      paymentIntentId: intent.body.id,
      tariffId: 'energy',
      stationId: 'ST-CRASH',
      connectorId: '1',
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const chargeId = started.body.id as string;
    const active = await eventually(async () => {
      const read = await call(url, key, 'GET', `/v1/adhoc-charges/${chargeId}`);
      assert.equal(read.body.status, 'active');
      return read.body;
    }, 15_000);
    const at = (seconds: number) => new Date(Date.parse(active.activatedAt) + seconds * 1000).toISOString();
    assert.equal(
      (
        await call(url, key, 'PUT', `/v1/adhoc-charges/${chargeId}/progress`, {
          meterWh: 4_000,
          measuredAt: at(30),
        })
      ).status,
      200,
    );
    // The process may die before this answer is sent: the settlement starts as soon as the charge completes.
    await call(url, key, 'POST', `/v1/adhoc-charges/${chargeId}/complete`, {
      reading: { meterWh: 5_000, measuredAt: at(60) },
    }).catch(() => undefined);
    await first.exited;

    // 5 kWh at 9.00 TRY/kWh with VAT: 45.00 TRY is owed.
    const intentStream = `payment_intent-${intent.body.id}`;
    const chargeStream = `charge_session-${chargeId}`;
    const [intentBefore, chargeBefore] = await readStreams(dataDir, intentStream, chargeStream);
    assert.equal(count(chargeBefore!, 'ChargeSessionCompleted'), 1);
    assert.equal(
      count(chargeBefore!, 'ChargeSessionSettled'),
      0,
      'the crash came before the charge recorded it',
    );
    assert.equal(count(intentBefore!, 'PaymentIntentCaptured'), crashAt === 'after-payment' ? 1 : 0);

    const second = await spawnGateway(env);
    running.push(second);
    const settled = await eventually(async () => {
      const read = await call(second.url, key, 'GET', `/v1/adhoc-charges/${chargeId}`);
      assert.ok(read.body.settlement, JSON.stringify(read.body));
      return read.body;
    }, 20_000);
    assert.deepEqual([settled.settlement.outcome, settled.settlement.amountCaptured], ['captured', 4_500]);

    const [intentAfter, chargeAfter] = await readStreams(dataDir, intentStream, chargeStream);
    assert.equal(count(intentAfter!, 'PaymentIntentCaptured'), 1, 'captured exactly once');
    assert.equal(count(chargeAfter!, 'ChargeSessionSettled'), 1);
    const captured = intentAfter!.find((event) => event.type === 'PaymentIntentCaptured');
    assert.deepEqual([captured?.data.amountCaptured, captured?.data.chargeId], [4_500, chargeId]);
    const intentRead = await call(second.url, key, 'GET', `/v1/payment-intents/${intent.body.id}`);
    assert.deepEqual([intentRead.body.status, intentRead.body.amountReleased], ['captured', 15_500]);

    second.child.kill('SIGTERM');
    await second.exited;
  };

  it('killed after completion, before the capture: the capture happens after the restart, once', () =>
    scenario('before-payment'));

  it('killed after the capture, before the charge recorded it: the restart recognises it, no second capture', () =>
    scenario('after-payment'));
});
