import assert from 'node:assert/strict';
import { chargeService, type ChargeService } from '../../../src/commands/charges/charge.service';
import { systemContext } from '../../../src/commands/command-context';
import { upsertEnergyTariff } from '../../support/charge-services';
import { tariffService } from '../../../src/commands/tariffs/tariff.service';
import { ManualClock } from '../../../src/infrastructure/clock';
import type { Job, JobQueue } from '../../../src/infrastructure/job-queue/job-queue';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../../src/infrastructure/read-store/memory-read-store';
import type { CpmsAdapter } from '../../../src/integrations/cpms/cpms-adapter';
import { CHARGES_COLLECTION, type ChargeDocument } from '../../../src/projections/charges/charge.document';
import { chargeFromStream } from '../../../src/projections/charges/charge.projection';
import type { ChargeAction, ChargeJob } from '../../../src/workers/charges/charge-actions';
import { followChargeCapture } from '../../../src/workers/charges/charge-capture';
import { chargeJobHandler } from '../../../src/workers/charges/charge-jobs';
import { sweepCharges } from '../../../src/workers/charges/charge-process-manager';
import {
  edenredCaptureHandler,
  type EdenredCaptureJob,
} from '../../../src/workers/edenred/edenred-capture-job';
import { edenredServicesFor, SCOPE } from '../../support/edenred-flow';
import { edenredError } from '../../support/fake-edenred-client';
import { InMemoryEventStore } from '../../support/in-memory-event-store';

const USER = 'driver@example.com';
const cpms: CpmsAdapter = {
  name: 'accepting',
  startSession: async () => ({ outcome: 'accepted', cpmsSessionId: 'cpms_1' }),
  stopSession: async () => ({ outcome: 'accepted' }),
  getSession: async () => undefined,
  ping: async () => undefined,
};

describe('a charge paid with Edenred follows its capture to the end', () => {
  let store: InMemoryEventStore;
  let clock: ManualClock;
  let flow: ReturnType<typeof edenredServicesFor>;
  let charges: ChargeService;
  let runCharge: (name: ChargeAction, chargeId: string) => Promise<void>;
  /** The capture worker as the runtime wires it: it tells the charge once the intent recorded the outcome. */
  let runCapture: (paymentIntentId: string, chargeTold?: boolean) => Promise<void>;
  const context = systemContext('test');

  beforeEach(async () => {
    store = new InMemoryEventStore();
    clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
    flow = edenredServicesFor(store, clock);
    const tariffs = tariffService({ eventStore: store, clock });
    charges = chargeService({
      eventStore: store,
      clock,
      paymentIntents: flow.paymentIntents,
      tariffs,
      settings: {
        vatRatePercent: 20,
        timeZone: 'Europe/Istanbul',
        startTimeoutMs: 60_000,
        stopMargin: { minor: 0, percent: 0 },
      },
    });
    await upsertEnergyTariff(tariffs, SCOPE);
    const handler = chargeJobHandler({
      charges,
      paymentIntents: flow.paymentIntents,
      cpms,
      logger: silentLogger(),
    });
    let jobs = 0;
    runCharge = (name, chargeId) =>
      handler({ id: `job-${++jobs}`, name, data: { chargeId }, attempt: 1 } as Job<ChargeJob>);
    const follow = (chargeId: string, ctx = context) =>
      followChargeCapture({ charges, paymentIntents: flow.paymentIntents }, chargeId, ctx);
    const told = edenredCaptureHandler({ ...flow.captureDeps, chargeCaptureEnded: follow });
    // The crash in between: the intent records the outcome, the process dies before the charge is told.
    const crashed = edenredCaptureHandler({
      ...flow.captureDeps,
      chargeCaptureEnded: () => Promise.reject(new Error('killed before the charge was told')),
    });
    runCapture = (paymentIntentId, chargeTold = true) =>
      (chargeTold ? told : crashed)({
        id: `capture-${++jobs}`,
        name: 'capture',
        data: { paymentIntentId },
        attempt: 1,
      } as Job<EdenredCaptureJob>);
  });

  /** 1.000 Wh at 1 kuruş per Wh, plus 20 % VAT: 1.200 kuruş due. */
  const settledCharge = async (balance: number) => {
    const linkId = await flow.linkedWallet(USER, balance);
    const created = await flow.paymentIntents.create(
      { amount: 10_000, paymentMethodType: 'edenred', edenredLinkId: linkId },
      SCOPE,
      context,
    );
    const intentId = (created.state as { paymentIntentId: string }).paymentIntentId;
    await flow.authorization.authorize(intentId, { amount: 10_000 }, SCOPE, context);
    const started = await charges.start(
      { paymentIntentId: intentId, tariffId: 'energy', stationId: 'ST', connectorId: '1' },
      SCOPE,
      context,
    );
    const chargeId = (started.state as { chargeId: string }).chargeId;
    await runCharge('cpms-start', chargeId);
    await charges.reportCpmsStatus(chargeId, 'STARTED', 'cpms_1', context);
    clock.advance(10 * 60_000);
    await charges.recordProgress(
      chargeId,
      { meterWh: 1_000, measuredAt: clock.now().toISOString() },
      SCOPE,
      context,
    );
    await charges.complete(chargeId, undefined, SCOPE, context);
    await runCharge('cpms-stop', chargeId);
    await runCharge('settle', chargeId);
    const charge = await charges.load(chargeId);
    assert.deepEqual(charge.status === 'completed' && [charge.amountDue, charge.settlement?.outcome], [
      1_200,
      'capture_pending',
    ]);
    return { intentId, chargeId };
  };

  const lastChargeEvent = async (chargeId: string) =>
    (await store.readStream(`charge_session-${chargeId}`)).at(-1);
  const countOf = async (chargeId: string, type: string) =>
    (await store.readStream(`charge_session-${chargeId}`)).filter((event) => event.type === type).length;

  it('captured: the capture worker records it on the charge, nothing owed, once', async () => {
    const { intentId, chargeId } = await settledCharge(50_000);
    await runCapture(intentId);
    const event = await lastChargeEvent(chargeId);
    assert.equal(event?.type, 'ChargeSessionCaptureSettled');
    assert.deepEqual(
      [event?.data.outcome, event?.data.amountCaptured, event?.data.amountOwed, event?.data.failureCode],
      ['captured', 1_200, 0, null],
    );
    await runCapture(intentId);
    await runCharge('follow-capture', chargeId);
    assert.equal(await countOf(chargeId, 'ChargeSessionCaptureSettled'), 1);
  });

  it('a partial authorization: what Edenred granted captured, the rest owed on the charge', async () => {
    flow.edenred.partialAuthorization = true;
    const { intentId, chargeId } = await settledCharge(50_000);
    flow.edenred.balances.set(USER, 900);
    await runCapture(intentId);
    const event = await lastChargeEvent(chargeId);
    assert.deepEqual(
      [event?.type, event?.data.outcome, event?.data.amountCaptured, event?.data.amountOwed],
      ['ChargeSessionCaptureSettled', 'captured', 900, 300],
    );
  });

  it('a final decline: failed with the code Edenred gave, the whole amount due owed', async () => {
    const { intentId, chargeId } = await settledCharge(50_000);
    flow.edenred.failNext('createTransaction', edenredError('declined', 'INADEQUATE_BALANCE', 422));
    await runCapture(intentId);
    const event = await lastChargeEvent(chargeId);
    assert.deepEqual(
      [
        event?.type,
        event?.data.outcome,
        event?.data.amountCaptured,
        event?.data.amountOwed,
        event?.data.failureCode,
      ],
      ['ChargeSessionCaptureSettled', 'failed', 0, 1_200, 'INADEQUATE_BALANCE'],
    );
  });

  it('a crash between the intent and the charge: the charge sweep reads the intent and records it', async () => {
    const { intentId, chargeId } = await settledCharge(50_000);
    await runCapture(intentId, false);
    assert.equal((await flow.paymentIntents.load(intentId)).state.status, 'captured');
    assert.equal(await countOf(chargeId, 'ChargeSessionCaptureSettled'), 0, 'the charge was not told');

    // The sweep as the worker runs it: candidates from the read model, each decided from its stream.
    const readStore = new MemoryReadStore();
    const doc = chargeFromStream(await store.readStream(`charge_session-${chargeId}`)) as ChargeDocument;
    await readStore
      .collection<ChargeDocument>(CHARGES_COLLECTION)
      .replaceOne({ id: doc.id }, doc, { upsert: true });
    const queued: { name: string; data: ChargeJob }[] = [];
    const jobQueue = {
      enqueue: async (_queue: string, name: string, data: ChargeJob) => {
        queued.push({ name, data });
      },
    } as unknown as JobQueue;
    await sweepCharges({
      jobQueue,
      clock,
      logger: silentLogger(),
      readStore,
      loadCharge: (id) => charges.load(id),
    });
    assert.deepEqual(queued, [{ name: 'follow-capture', data: { chargeId } }]);
    for (const job of queued) await runCharge(job.name as ChargeAction, job.data.chargeId);

    const event = await lastChargeEvent(chargeId);
    assert.deepEqual(
      [event?.type, event?.data.outcome, event?.data.amountCaptured, event?.data.amountOwed],
      ['ChargeSessionCaptureSettled', 'captured', 1_200, 0],
    );
  });

  it('a crash in between, then the capture job retried: the retry tells the charge', async () => {
    const { intentId, chargeId } = await settledCharge(50_000);
    await runCapture(intentId, false);
    assert.equal(await countOf(chargeId, 'ChargeSessionCaptureSettled'), 0);
    await runCapture(intentId);
    assert.equal(await countOf(chargeId, 'ChargeSessionCaptureSettled'), 1);
    assert.equal(flow.edenred.calls.filter((call) => call.method === 'createTransaction').length, 1);
  });

  it('while the capture is pending, the sweep’s job leaves the charge capture_pending', async () => {
    const { chargeId } = await settledCharge(50_000);
    await runCharge('follow-capture', chargeId);
    const charge = await charges.load(chargeId);
    assert.equal(charge.status === 'completed' && charge.settlement?.outcome, 'capture_pending');
  });
});
