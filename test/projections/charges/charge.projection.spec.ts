import assert from 'node:assert/strict';
import {
  chargeSessionEventCodec,
  type ChargeSessionEvent,
} from '../../../src/domain/charge-session/charge-session.events';
import type { ChargeDocument } from '../../../src/projections/charges/charge.document';
import { chargeFromStream, chargeProjection } from '../../../src/projections/charges/charge.projection';
import { givenProjection, project, recordedEvent, sequenced } from '../../support/projection-spec';
import {
  accepted,
  activated,
  at,
  progressed,
  started,
  stopRequested,
  T0,
} from '../../domain/charge-session/charge-session.fixtures';

const STREAM = 'charge_session-ch_1';
const recorded = (event: ChargeSessionEvent, occurredAt = T0) => {
  const base = recordedEvent(STREAM, event.type, event.data as Record<string, unknown>);
  return { ...base, metadata: { ...base.metadata, occurredAt } };
};

const pending: ChargeDocument = {
  _id: 'ch_1',
  id: 'ch_1',
  object: 'adhoc_charge',
  status: 'pending',
  merchantId: 'mer_1',
  terminalId: 'trm_1',
  stationId: 'IST-1',
  connectorId: '1',
  evseId: null,
  paymentIntentId: 'pi_1',
  tariffId: 'energy',
  currency: 'TRY',
  amountAuthorized: 10_000,
  stopThreshold: 9_500,
  vatRatePercent: 20,
  cpms: { sessionId: null, startAccepted: false },
  meter: { energyWh: 0, powerKw: null, lastReadingAt: null },
  chargingPeriods: [],
  runningCost: { exclVat: 0, vat: 0, inclVat: 0 },
  finalCost: null,
  amountDue: null,
  amountUncovered: null,
  stop: null,
  completionReason: null,
  failure: null,
  settlement: null,
  metadata: {},
  createdAt: T0,
  updatedAt: T0,
  startDeadline: '2026-03-02T09:01:30.000Z',
  activatedAt: null,
  completedAt: null,
  failedAt: null,
  version: 1,
};

describe('charge projection', () => {
  const spec = givenProjection(chargeProjection);

  it('opens a pending charge', () => spec.given([recorded(started)]).then(pending));

  it('shows activation, readings, the running cost and a stop at the limit', () =>
    spec
      .given([
        recorded(started),
        recorded(accepted),
        recorded(activated, at(0)),
        recorded(progressed(10, 5_000), at(10)),
        recorded(progressed(20, 8_000, [10, 5_000]), at(20)),
        recorded(stopRequested('preauthorization_limit', at(20)), at(20)),
      ])
      .then({
        ...pending,
        status: 'stopping',
        cpms: { sessionId: 'cpms_1', startAccepted: true },
        activatedAt: at(0),
        meter: { energyWh: 8_000, powerKw: null, lastReadingAt: at(20) },
        chargingPeriods: [
          { startAt: at(0), endAt: at(10), energyWh: 5_000 },
          { startAt: at(10), endAt: at(20), energyWh: 3_000 },
        ],
        runningCost: { exclVat: 8_000, vat: 1_600, inclVat: 9_600 },
        stop: {
          reason: 'preauthorization_limit',
          status: 'pending',
          failureReason: null,
          requestedAt: at(20),
        },
        updatedAt: at(20),
        version: 6,
      }));

  it('shows a failed start with its settlement', () =>
    spec
      .given([
        recorded(started),
        recorded(
          {
            type: 'ChargeSessionFailed',
            data: { chargeId: 'ch_1', reason: 'start_timeout', message: 'late', failedAt: at(2) },
          },
          at(2),
        ),
        recorded(
          {
            type: 'ChargeSessionSettled',
            data: {
              chargeId: 'ch_1',
              paymentIntentId: 'pi_1',
              outcome: 'voided',
              amountCaptured: 0,
              failureCode: null,
              settledAt: at(3),
            },
          },
          at(3),
        ),
      ])
      .then({
        ...pending,
        status: 'failed',
        failure: { reason: 'start_timeout', message: 'late' },
        failedAt: at(2),
        stop: { reason: 'start_timeout', status: 'pending', failureReason: null, requestedAt: at(2) },
        settlement: {
          outcome: 'voided',
          amountCaptured: 0,
          amountOwed: 0,
          failureCode: null,
          settledAt: at(3),
          captureSettledAt: null,
        },
        updatedAt: at(3),
        version: 3,
      }));

  it('shows an asynchronous capture pending, then how it ended (a partial authorization)', () => {
    const settledEvent = (outcome: 'capture_pending' | 'captured'): ChargeSessionEvent => ({
      type: 'ChargeSessionSettled',
      data: {
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        outcome,
        amountCaptured: 0,
        failureCode: null,
        settledAt: at(31),
      },
    });
    const completed: ChargeSessionEvent = {
      type: 'ChargeSessionCompleted',
      data: {
        chargeId: 'ch_1',
        reason: 'terminal',
        energyWh: 1_000,
        cost: {
          exclVat: 1_000,
          vat: 200,
          inclVat: 1_200,
          minPriceApplied: false,
          maxPriceApplied: false,
          dimensions: [],
        },
        paymentAction: 'capture',
        amountDue: 1_200,
        amountUncovered: 0,
        completedAt: at(30),
      },
    };
    const before = [recorded(started), recorded(accepted), recorded(activated), recorded(completed, at(30))];
    const pendingDoc = project(
      chargeProjection,
      sequenced([...before, recorded(settledEvent('capture_pending'), at(31))]),
    ).get('ch_1');
    assert.deepEqual(pendingDoc?.settlement, {
      outcome: 'capture_pending',
      amountCaptured: 0,
      amountOwed: null,
      failureCode: null,
      settledAt: at(31),
      captureSettledAt: null,
    });
    const captureSettled: ChargeSessionEvent = {
      type: 'ChargeSessionCaptureSettled',
      data: {
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        outcome: 'captured',
        amountCaptured: 900,
        amountOwed: 300,
        failureCode: null,
        settledAt: at(32),
      },
    };
    const events = sequenced([
      ...before,
      recorded(settledEvent('capture_pending'), at(31)),
      recorded(captureSettled, at(32)),
    ]);
    const doc = project(chargeProjection, events).get('ch_1');
    assert.deepEqual(doc?.settlement, {
      outcome: 'captured',
      amountCaptured: 900,
      amountOwed: 300,
      failureCode: null,
      settledAt: at(31),
      captureSettledAt: at(32),
    });
    assert.equal(doc?.updatedAt, at(32));
    assert.deepEqual(chargeFromStream(events), doc);
  });

  it('renders the same document from the stream as the projection builds', () => {
    const events = sequenced([
      recorded(started),
      recorded(accepted),
      recorded(activated),
      recorded(progressed(10, 5_000)),
    ]);
    assert.deepEqual(chargeFromStream(events), project(chargeProjection, events).get('ch_1'));
  });

  it('relies on the write for schema checks: the codec every append goes through refuses bad data', () =>
    assert.throws(
      () => chargeSessionEventCodec.parse({ type: 'ChargeSessionActivated', data: { chargeId: 'ch_1' } }),
      /does not match its schema/,
    ));
});
