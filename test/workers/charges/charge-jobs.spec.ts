import assert from 'node:assert/strict';
import type { ChargeService } from '../../../src/commands/charges/charge.service';
import { systemContext } from '../../../src/commands/command-context';
import type { PaymentIntentService } from '../../../src/commands/payment-intents/payment-intent.service';
import { ManualClock } from '../../../src/infrastructure/clock';
import type { Job } from '../../../src/infrastructure/job-queue/job-queue';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import type { CpmsAdapter } from '../../../src/integrations/cpms/cpms-adapter';
import {
  STOP_ASKS,
  STOP_RETRY,
  type ChargeAction,
  type ChargeJob,
} from '../../../src/workers/charges/charge-actions';
import { chargeJobHandler } from '../../../src/workers/charges/charge-jobs';
import { chargeServicesFor, upsertEnergyTariff } from '../../support/charge-services';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const scope = { merchantId: 'mer_1', terminalId: 'trm_1' };
const card = {
  type: 'card_present' as const,
  scheme: 'troy' as const,
  last4: '4242',
  authorizationCode: 'A1',
  rrn: '123456789012',
};

/** Counts calls; answers like a CPMS that accepts everything. */
const countingCpms = () => {
  const calls: string[] = [];
  const adapter: CpmsAdapter = {
    name: 'counting',
    startSession: async ({ chargeId }) => {
      calls.push(`start ${chargeId}`);
      await new Promise((resolve) => setImmediate(resolve));
      return { outcome: 'accepted', cpmsSessionId: 'cpms_1' };
    },
    stopSession: async ({ chargeId }) => {
      calls.push(`stop ${chargeId}`);
      return { outcome: 'accepted' };
    },
    getSession: async () => undefined,
    ping: async () => undefined,
  };
  return { adapter, calls };
};

describe('charge process managers: duplicate deliveries do the work once', () => {
  let store: InMemoryEventStore;
  let clock: ManualClock;
  let paymentIntents: PaymentIntentService;
  let charges: ChargeService;
  let cpms: ReturnType<typeof countingCpms>;
  let run: (name: ChargeAction, chargeId: string, id?: string, attempt?: number) => Promise<void>;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    const services = chargeServicesFor(store, clock, 60_000);
    const { tariffs } = services;
    ({ paymentIntents, charges } = services);
    cpms = countingCpms();
    const handler = chargeJobHandler({ charges, paymentIntents, cpms: cpms.adapter, logger: silentLogger() });
    let jobs = 0;
    run = (name, chargeId, id = `job-${++jobs}`, attempt = 1) =>
      handler({ id, name, data: { chargeId }, attempt } as Job<ChargeJob>);

    await upsertEnergyTariff(tariffs, scope);
  });

  const chargeWith = async (meterWh: number) => {
    const context = systemContext('setup');
    const intent = await paymentIntents.create(
      { amount: 10_000, paymentMethodType: 'card_present', terminalId: 'trm_1' },
      scope,
      context,
    );
    const intentId = (intent.state as { paymentIntentId: string }).paymentIntentId;
    await paymentIntents.authorize(intentId, { amount: 10_000, paymentMethod: card }, scope, context);
    const started = await charges.start(
      { paymentIntentId: intentId, tariffId: 'energy', stationId: 'ST', connectorId: '1' },
      scope,
      context,
    );
    const chargeId = (started.state as { chargeId: string }).chargeId;
    return { intentId, chargeId, meterWh };
  };

  const completed = async (meterWh: number) => {
    const charge = await chargeWith(meterWh);
    const context = systemContext('setup');
    await run('cpms-start', charge.chargeId);
    await charges.reportCpmsStatus(charge.chargeId, 'STARTED', 'cpms_1', context);
    clock.advance(10 * 60_000);
    if (meterWh > 0) {
      await charges.recordProgress(
        charge.chargeId,
        { meterWh, measuredAt: clock.now().toISOString() },
        scope,
        context,
      );
    }
    await charges.complete(charge.chargeId, undefined, scope, context);
    return charge;
  };

  const typesOf = async (stream: string) => (await store.readStream(stream)).map((event) => event.type);
  const count = (types: string[], type: string) => types.filter((candidate) => candidate === type).length;

  it('settles a completed charge once, whether the job runs twice in a row or twice at once', async () => {
    const { intentId, chargeId } = await completed(3_000);
    await run('settle', chargeId);
    await run('settle', chargeId);
    await Promise.all([run('settle', chargeId), run('settle', chargeId)]);
    const intent = await typesOf(`payment_intent-${intentId}`);
    const charge = await typesOf(`charge_session-${chargeId}`);
    assert.equal(count(intent, 'PaymentIntentCaptured'), 1);
    assert.equal(count(charge, 'ChargeSessionSettled'), 1);
    const captured = (await store.readStream(`payment_intent-${intentId}`)).at(-1);
    assert.deepEqual([captured?.data.amountCaptured, captured?.data.amountReleased], [3_600, 6_400]);
  });

  it('after a crash between the capture and its record, the retry recognises the capture as its own', async () => {
    const { intentId, chargeId } = await completed(3_000);
    await paymentIntents.captureForCharge(
      intentId,
      chargeId,
      3_600,
      systemContext('the job before the crash'),
    );
    await run('settle', chargeId);
    const settled = (await store.readStream(`charge_session-${chargeId}`)).at(-1);
    assert.deepEqual(
      [settled?.type, settled?.data.outcome, settled?.data.amountCaptured],
      ['ChargeSessionSettled', 'captured', 3_600],
    );
    assert.equal(count(await typesOf(`payment_intent-${intentId}`), 'PaymentIntentCaptured'), 1);
  });

  it('settles concurrently delivered jobs once too', async () => {
    const { intentId, chargeId } = await completed(2_000);
    await Promise.all([1, 2, 3, 4].map(() => run('settle', chargeId)));
    assert.equal(count(await typesOf(`payment_intent-${intentId}`), 'PaymentIntentCaptured'), 1);
    assert.equal(count(await typesOf(`charge_session-${chargeId}`), 'ChargeSessionSettled'), 1);
  });

  it('voids a charge without energy once', async () => {
    const { intentId, chargeId } = await completed(0);
    await Promise.all([run('settle', chargeId), run('settle', chargeId)]);
    const intent = await typesOf(`payment_intent-${intentId}`);
    assert.deepEqual([count(intent, 'PaymentIntentVoided'), count(intent, 'PaymentIntentCaptured')], [1, 0]);
  });

  it('asks the CPMS to start once the start is recorded; a start-timeout after activation does nothing', async () => {
    const { chargeId } = await chargeWith(0);
    await run('cpms-start', chargeId);
    await run('cpms-start', chargeId);
    assert.deepEqual(cpms.calls, [`start ${chargeId}`]);
    await charges.reportCpmsStatus(chargeId, 'STARTED', 'cpms_1', systemContext('t'));
    clock.advance(120_000);
    await run('start-timeout', chargeId);
    const types = await typesOf(`charge_session-${chargeId}`);
    assert.deepEqual(
      [count(types, 'ChargeSessionCpmsStartAccepted'), count(types, 'ChargeSessionFailed')],
      [1, 0],
    );
  });

  it('sends the stop once it is recorded as accepted', async () => {
    const { chargeId } = await completed(1_000);
    await run('cpms-stop', chargeId);
    await run('cpms-stop', chargeId);
    assert.equal(cpms.calls.filter((call) => call.startsWith('stop')).length, 1);
    assert.equal(count(await typesOf(`charge_session-${chargeId}`), 'ChargeSessionCpmsStopAccepted'), 1);
  });

  it('retries a stop the CPMS does not answer, and records it as failed when the last attempt fails too', async () => {
    const { chargeId } = await completed(1_000);
    cpms.adapter.stopSession = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    await assert.rejects(run('cpms-stop', chargeId, 'stop', 1), /ECONNREFUSED/);
    await assert.rejects(run('cpms-stop', chargeId, 'stop', STOP_ASKS - 1), /ECONNREFUSED/);
    const stopOf = async () => {
      const state = await charges.load(chargeId);
      return state.status === 'completed' ? state.stop?.outcome : state.status;
    };
    assert.equal(await stopOf(), 'pending', 'still pending while attempts are left');
    await run('cpms-stop', chargeId, 'stop', STOP_ASKS);
    assert.equal(await stopOf(), 'failed');
    const failed = (await store.readStream(`charge_session-${chargeId}`)).at(-1);
    assert.deepEqual(
      [failed?.type, failed?.data.reason],
      ['ChargeSessionStopFailed', `the CPMS did not answer the stop after ${STOP_ASKS} attempts`],
    );
  });

  it('keeps attempts after the last ask, so a failure it could not record at once is recorded by the next', async () => {
    assert.ok(STOP_RETRY.attempts > STOP_ASKS, 'the job has attempts left after its last ask');
    const { chargeId } = await completed(1_000);
    cpms.adapter.stopSession = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const record = charges.recordCpmsStopOutcome.bind(charges);
    let storeDown = true;
    charges.recordCpmsStopOutcome = async (...args) => {
      if (storeDown) throw new Error('SQLITE_BUSY: the event store is unavailable');
      return record(...args);
    };
    await assert.rejects(run('cpms-stop', chargeId, 'stop', STOP_ASKS), /SQLITE_BUSY/);
    const stopOf = async () => {
      const state = await charges.load(chargeId);
      return state.status === 'completed' ? state.stop?.outcome : state.status;
    };
    assert.equal(await stopOf(), 'pending');
    storeDown = false;
    await run('cpms-stop', chargeId, 'stop', STOP_ASKS + 1);
    assert.equal(await stopOf(), 'failed');
    const failed = (await store.readStream(`charge_session-${chargeId}`)).at(-1);
    assert.equal(failed?.data.reason, `the CPMS did not answer the stop after ${STOP_ASKS + 1} attempts`);
  });
});
