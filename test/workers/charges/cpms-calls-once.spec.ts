import assert from 'node:assert/strict';
import type { ChargeService } from '../../../src/commands/charges/charge.service';
import { systemContext } from '../../../src/commands/command-context';
import { systemClock } from '../../../src/infrastructure/clock';
import { InProcessJobQueue } from '../../../src/infrastructure/job-queue/in-process-job-queue';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import { CpmsSimulator } from '../../../src/integrations/cpms/simulator/cpms-simulator';
import { simulatorCpmsClient } from '../../../src/integrations/cpms/simulator-cpms-client';
import { CHARGE_PROCESS_QUEUE, type ChargeJob } from '../../../src/workers/charges/charge-actions';
import { chargeJobHandler } from '../../../src/workers/charges/charge-jobs';
import { enqueueOutstanding } from '../../../src/workers/charges/charge-process-manager';
import { chargeServicesFor, upsertEnergyTariff } from '../../support/charge-services';
import { InMemoryEventStore } from '../../support/in-memory-event-store';
import { waitUntil } from '../../support/wait-until';

const scope = { merchantId: 'mer_1', terminalId: 'trm_1' };
const MINUTE_MS = 60_000;

/** Runs `work` with Date.now() shifted by `shiftMs`, as if that much real time had passed. */
const later = async <T>(shiftMs: number, work: () => Promise<T>): Promise<T> => {
  const realNow = Date.now;
  Date.now = () => realNow() + shiftMs;
  try {
    return await work();
  } finally {
    Date.now = realNow;
  }
};

describe('charge process managers: a slow CPMS start or stop is asked for once', () => {
  let simulator: CpmsSimulator;
  let queue: InProcessJobQueue;
  let charges: ChargeService;
  let store: InMemoryEventStore;
  let chargeId: string;

  beforeEach(async () => {
    simulator = new CpmsSimulator({ token: 'slow-cpms-token-0123456789' });
    const baseUrl = await simulator.listen(0, '127.0.0.1');
    store = new InMemoryEventStore();
    const clock = systemClock;
    const services = chargeServicesFor(store, clock, 10 * MINUTE_MS);
    const { paymentIntents, tariffs } = services;
    charges = services.charges;
    queue = new InProcessJobQueue();
    const cpms = simulatorCpmsClient({ baseUrl, token: simulator.token, timeoutMs: 10_000 });
    queue.process<ChargeJob>(
      CHARGE_PROCESS_QUEUE,
      chargeJobHandler({ charges, paymentIntents, cpms, logger: silentLogger() }),
      { concurrency: 4 },
    );
    const context = systemContext('setup');
    await upsertEnergyTariff(tariffs, scope);
    const intent = await paymentIntents.create(
      { amount: 10_000, paymentMethodType: 'card_present', terminalId: 'trm_1' },
      scope,
      context,
    );
    const intentId = (intent.state as { paymentIntentId: string }).paymentIntentId;
    await paymentIntents.authorize(
      intentId,
      {
        amount: 10_000,
        paymentMethod: {
          type: 'card_present',
          scheme: 'troy',
          last4: '4242',
          authorizationCode: 'A1',
          rrn: '123456789012',
        },
      },
      scope,
      context,
    );
    simulator.configure({ startAnswerDelayMs: 1500 });
    const started = await charges.start(
      { paymentIntentId: intentId, tariffId: 'energy', stationId: 'ST-SLOW', connectorId: '1' },
      scope,
      context,
    );
    chargeId = (started.state as { chargeId: string }).chargeId;
  });

  afterEach(async () => {
    await queue.close();
    await simulator.close();
  });

  /** What the kick after a command and every sweep do: queue the charge's outstanding work. */
  const sweep = async () => {
    const charge = await charges.load(chargeId);
    await enqueueOutstanding({ jobQueue: queue, clock: systemClock, logger: silentLogger() }, charge);
  };

  const startAccepted = async () => {
    const state = await charges.load(chargeId);
    return state.status === 'pending' && state.cpmsStartAccepted;
  };

  it('while the first start is in flight, sweeps in this minute and the next queue no second start', async () => {
    await sweep();
    await waitUntil(() => simulator.calls(chargeId).length === 1, { message: 'the first start at the CPMS' });
    // The answer takes 1.5 s; meanwhile the sweep runs again, now and (as far as job ids see) minutes later.
    await sweep();
    await later(MINUTE_MS, sweep);
    await later(2 * MINUTE_MS, sweep);
    assert.ok(!(await startAccepted()), 'the sweeps ran while the start was in flight');
    await waitUntil(startAccepted, { message: 'the start recorded as accepted' });
    await later(3 * MINUTE_MS, sweep);
    await queue.close();
    assert.deepEqual(
      simulator.calls(chargeId).map((call) => call.kind),
      ['start'],
    );
  });

  it('while the stop is in flight or waiting for its retry, sweeps in this minute and the next queue no second stop', async () => {
    simulator.configure({ startAnswerDelayMs: 0, stopAnswerDelayMs: 1500 });
    await sweep();
    await waitUntil(startAccepted, { message: 'the start recorded as accepted' });
    const context = systemContext('test');
    await waitUntil(() => simulator.session(chargeId)?.status === 'STARTED', {
      message: 'the session running at the CPMS',
    });
    await charges.reportCpmsStatus(
      chargeId,
      'STARTED',
      simulator.session(chargeId)?.sessionId ?? null,
      context,
    );
    await charges.complete(chargeId, undefined, scope, context);
    await sweep();
    await waitUntil(() => simulator.calls(chargeId).length === 2, { message: 'the stop at the CPMS' });
    await sweep();
    await later(MINUTE_MS, sweep);
    await later(2 * MINUTE_MS, sweep);
    const stopOutcome = async () => {
      const state = await charges.load(chargeId);
      return state.status === 'completed' ? state.stop?.outcome : state.status;
    };
    assert.equal(await stopOutcome(), 'pending', 'the sweeps ran while the stop was in flight');
    await waitUntil(async () => (await stopOutcome()) === 'accepted', { message: 'the stop recorded' });
    await later(3 * MINUTE_MS, sweep);
    await queue.close();
    assert.deepEqual(
      simulator.calls(chargeId).map((call) => call.kind),
      ['start', 'stop'],
    );
  });
});
