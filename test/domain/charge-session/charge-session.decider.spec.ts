import assert from 'node:assert/strict';
import { chargeSessionDecider } from '../../../src/domain/charge-session/charge-session.decider';
import type { ChargeSessionEvent } from '../../../src/domain/charge-session/charge-session.events';
import { stopThreshold } from '../../../src/domain/charge-session/stop-threshold';
import { deciderSpec } from '../../support/decider-spec';
import {
  accepted,
  activated,
  at,
  command,
  progressed,
  reading,
  startCommand,
  started,
  stopRequested,
  T0,
} from './charge-session.fixtures';

const given = deciderSpec(chargeSessionDecider);

const completedEvent = (
  meterWh: number,
  now: string,
  extra: { reason?: 'terminal' | 'cpms_stopped' | 'cpms_failed'; authorized?: number } = {},
): ChargeSessionEvent => {
  const exclVat = meterWh;
  const inclVat = Math.round(meterWh * 1.2);
  const authorized = extra.authorized ?? 10_000;
  return {
    type: 'ChargeSessionCompleted',
    data: {
      chargeId: 'ch_1',
      reason: extra.reason ?? 'terminal',
      energyWh: meterWh,
      cost: {
        exclVat,
        vat: inclVat - exclVat,
        inclVat,
        minPriceApplied: false,
        maxPriceApplied: false,
        dimensions: meterWh > 0 ? [{ dimension: 'ENERGY', quantity: meterWh, exclVat, inclVat }] : [],
      },
      paymentAction: meterWh > 0 ? 'capture' : 'void',
      amountDue: meterWh > 0 ? Math.min(inclVat, authorized) : 0,
      amountUncovered: meterWh > 0 ? Math.max(0, inclVat - authorized) : 0,
      completedAt: now,
    },
  };
};

const failed = (
  reason: 'cpms_refused' | 'start_timeout' | 'cpms_failed' | 'cpms_stopped',
  message: string,
  now: string,
) =>
  ({
    type: 'ChargeSessionFailed',
    data: { chargeId: 'ch_1', reason, message, failedAt: now },
  }) as ChargeSessionEvent;

const running = [started, accepted, activated];

describe('charge session decider', () => {
  describe('start', () => {
    it('opens a pending charge with the tariff fixed and the start deadline set', () =>
      given([]).when(startCommand()).then([started]));

    it('refuses a second start', () =>
      given([started]).when(startCommand()).thenRefuses('charge_exists', 'conflict'));
  });

  describe('the CPMS start (asynchronous)', () => {
    it('records that the CPMS took the request, once', () => {
      given([started])
        .when(command('AcceptCpmsStart', T0, { cpmsSessionId: 'cpms_1' }))
        .then([accepted]);
      given([started, accepted])
        .when(command('AcceptCpmsStart', T0, { cpmsSessionId: 'cpms_1' }))
        .then([]);
    });

    it("keeps the mapped station's CPMS route the start was accepted on", () => {
      const cpmsRoute = { adapterType: 'longship', chargePointId: 'CP-9', connectorNumber: 2 };
      given([started])
        .when(command('AcceptCpmsStart', T0, { cpmsSessionId: 'cpms_1', cpmsRoute }))
        .then([{ ...accepted, data: { ...accepted.data, cpmsRoute } } as typeof accepted]);
    });

    it('activates on STARTED, and ignores it when already active', () => {
      given([started, accepted])
        .when(command('ReportCpmsStatus', at(0), { status: 'STARTED', cpmsSessionId: 'cpms_1' }))
        .then([activated]);
      given(running)
        .when(command('ReportCpmsStatus', at(1), { status: 'STARTED', cpmsSessionId: 'cpms_1' }))
        .then([]);
    });

    it('waits through CREATED and WAITING_TO_START', () =>
      given([started, accepted])
        .when(command('ReportCpmsStatus', T0, { status: 'WAITING_TO_START', cpmsSessionId: null }))
        .then([]));

    it('fails on a refusal, and on FAILED before the start', () => {
      given([started])
        .when(command('RefuseCpmsStart', T0, { reason: 'connector busy' }))
        .then([failed('cpms_refused', 'the CPMS refused the start: connector busy', T0)]);
      given([started, accepted])
        .when(command('ReportCpmsStatus', T0, { status: 'FAILED', cpmsSessionId: null }))
        .then([failed('cpms_failed', 'the CPMS reported FAILED', T0)]);
    });

    it('times out only at the deadline, and only while pending', () => {
      given([started, accepted])
        .when(command('TimeOutChargeStart', '2026-03-02T09:01:29.999Z', {}))
        .then([]);
      given([started, accepted])
        .when(command('TimeOutChargeStart', '2026-03-02T09:01:30.000Z', {}))
        .then([
          failed('start_timeout', 'the CPMS did not confirm the start in time', '2026-03-02T09:01:30.000Z'),
        ]);
      given(running)
        .when(command('TimeOutChargeStart', at(60), {}))
        .then([]);
    });

    it('stops a session the CPMS starts after the charge gave up on it, once', () => {
      const gaveUp = [started, accepted, failed('start_timeout', 'late', at(2))];
      given(gaveUp)
        .when(command('ReportCpmsStatus', at(3), { status: 'STARTED', cpmsSessionId: null }))
        .then([]);
      const refused = [started, failed('cpms_refused', 'no', T0)];
      given(refused)
        .when(command('ReportCpmsStatus', at(3), { status: 'STARTED', cpmsSessionId: null }))
        .then([
          {
            type: 'ChargeSessionStopRequested',
            data: { chargeId: 'ch_1', reason: 'start_after_failure', requestedAt: at(3) },
          },
        ]);
    });
  });

  describe('progress', () => {
    it('records a reading as a period with the running cost', () =>
      given(running)
        .when(command('RecordChargeProgress', at(10), { reading: reading(10, 2_000) }))
        .then([progressed(10, 2_000)]));

    it('ignores duplicates, stale and backwards readings', () => {
      const after = [...running, progressed(10, 2_000)];
      given(after)
        .when(command('RecordChargeProgress', at(11), { reading: reading(10, 2_000) }))
        .then([]);
      given(after)
        .when(command('RecordChargeProgress', at(11), { reading: reading(5, 1_000) }))
        .then([]);
      given(after)
        .when(command('RecordChargeProgress', at(11), { reading: reading(12, 1_500) }))
        .then([]);
    });

    it('refuses a reading ahead of the gateway clock', () =>
      given(running)
        .when(command('RecordChargeProgress', at(10), { reading: reading(16, 2_000) }))
        .thenRefuses('reading_in_future', 'invalid'));

    it('asks the CPMS to stop when the running cost reaches the threshold', () =>
      given([...running, progressed(10, 5_000)])
        .when(command('RecordChargeProgress', at(20), { reading: reading(20, 7_917) }))
        .then([progressed(20, 7_917, [10, 5_000]), stopRequested('preauthorization_limit', at(20))]));

    it('below the threshold it does not', () =>
      given(running)
        .when(command('RecordChargeProgress', at(20), { reading: reading(20, 7_916) }))
        .then([progressed(20, 7_916)]));

    it('keeps recording while stopping, without asking again', () =>
      given([...running, progressed(20, 8_000), stopRequested('preauthorization_limit', at(20))])
        .when(command('RecordChargeProgress', at(22), { reading: reading(22, 8_500) }))
        .then([progressed(22, 8_500, [20, 8_000])]));

    it('refuses progress before activation, after completion and after failure', () => {
      given([started, accepted])
        .when(command('RecordChargeProgress', at(1), { reading: reading(1, 10) }))
        .thenRefuses('charge_not_started', 'conflict');
      given([
        ...running,
        progressed(5, 1_000),
        stopRequested('completed', at(6)),
        completedEvent(1_000, at(6)),
      ])
        .when(command('RecordChargeProgress', at(7), { reading: reading(7, 1_200) }))
        .thenRefuses('charge_already_completed', 'conflict');
      given([started, failed('cpms_refused', 'no', T0)])
        .when(command('RecordChargeProgress', at(7), { reading: reading(7, 1_200) }))
        .thenRefuses('charge_failed', 'conflict');
    });
  });

  describe('complete', () => {
    it('records the final reading, asks the CPMS to stop, and completes with the cost to capture', () =>
      given([...running, progressed(10, 2_000)])
        .when(command('CompleteChargeSession', at(15), { reading: reading(15, 3_000) }))
        .then([
          progressed(15, 3_000, [10, 2_000]),
          stopRequested('completed', at(15)),
          completedEvent(3_000, at(15)),
        ]));

    it('does not ask for a stop twice', () =>
      given([...running, progressed(20, 8_000), stopRequested('preauthorization_limit', at(20))])
        .when(command('CompleteChargeSession', at(21), {}))
        .then([completedEvent(8_000, at(21))]));

    it('captures at most the authorization, recording the rest as uncovered', () =>
      given([...running, progressed(30, 9_000)])
        .when(command('CompleteChargeSession', at(31), {}))
        .then([stopRequested('completed', at(31)), completedEvent(9_000, at(31))]));

    it('voids when no energy was delivered', () =>
      given(running)
        .when(command('CompleteChargeSession', at(5), {}))
        .then([stopRequested('completed', at(5)), completedEvent(0, at(5))]));

    it('completes when the CPMS reports the session stopped, without another stop', () =>
      given([...running, progressed(20, 8_000), stopRequested('preauthorization_limit', at(20))])
        .when(command('ReportCpmsStatus', at(21), { status: 'STOPPED', cpmsSessionId: 'cpms_1' }))
        .then([completedEvent(8_000, at(21), { reason: 'cpms_stopped' })]));

    it('refuses a second complete, and a complete before the start is confirmed', () => {
      given([...running, stopRequested('completed', at(5)), completedEvent(0, at(5))])
        .when(command('CompleteChargeSession', at(6), {}))
        .thenRefuses('charge_already_completed', 'conflict');
      given([started, accepted])
        .when(command('CompleteChargeSession', at(6), {}))
        .thenRefuses('charge_not_started');
    });
  });

  describe('stop outcome', () => {
    const stopping = [...running, progressed(20, 8_000), stopRequested('preauthorization_limit', at(20))];

    it('records an accepted stop once', () => {
      const acceptedStop: ChargeSessionEvent = {
        type: 'ChargeSessionCpmsStopAccepted',
        data: { chargeId: 'ch_1', acceptedAt: at(20) },
      };
      given(stopping)
        .when(command('RecordCpmsStopOutcome', at(20), { accepted: true }))
        .then([acceptedStop]);
      given([...stopping, acceptedStop])
        .when(command('RecordCpmsStopOutcome', at(20), { accepted: true }))
        .then([]);
    });

    it('records a failed stop, from the call or from STOP_FAILED, once', () => {
      const stopFailed: ChargeSessionEvent = {
        type: 'ChargeSessionStopFailed',
        data: { chargeId: 'ch_1', reason: 'the CPMS reported STOP_FAILED', failedAt: at(21) },
      };
      given(stopping)
        .when(command('ReportCpmsStatus', at(21), { status: 'STOP_FAILED', cpmsSessionId: null }))
        .then([stopFailed]);
      given([...stopping, stopFailed])
        .when(command('ReportCpmsStatus', at(22), { status: 'STOP_FAILED', cpmsSessionId: null }))
        .then([]);
      given(stopping)
        .when(command('RecordCpmsStopOutcome', at(21), { accepted: false, reason: 'offline' }))
        .then([
          {
            type: 'ChargeSessionStopFailed',
            data: { chargeId: 'ch_1', reason: 'offline', failedAt: at(21) },
          },
        ]);
    });
  });

  describe('settlement', () => {
    const done = [
      ...running,
      progressed(5, 1_000),
      stopRequested('completed', at(6)),
      completedEvent(1_000, at(6)),
    ];
    const settled: ChargeSessionEvent = {
      type: 'ChargeSessionSettled',
      data: {
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        outcome: 'captured',
        amountCaptured: 1_200,
        failureCode: null,
        settledAt: at(7),
      },
    };

    it('records the settlement once', () => {
      const settle = command('RecordChargeSettlement', at(7), {
        outcome: 'captured',
        amountCaptured: 1_200,
        failureCode: null,
      });
      given(done).when(settle).then([settled]);
      given([...done, settled])
        .when(settle)
        .then([]);
      given(running).when(settle).then([]);
    });

    describe('an asynchronous capture (Edenred) ending', () => {
      // 1.000 kWh at 1 kuruş/Wh + 20% VAT: 1.200 due.
      const handedOver: ChargeSessionEvent = {
        type: 'ChargeSessionSettled',
        data: { ...settled.data, outcome: 'capture_pending', amountCaptured: 0 },
      };
      const pending = [...done, handedOver];
      const ended = (
        outcome: 'captured' | 'failed',
        amountCaptured: number,
        failureCode: string | null = null,
      ) => command('RecordChargeCaptureOutcome', at(9), { outcome, amountCaptured, failureCode });
      const captureSettled = (
        outcome: 'captured' | 'failed',
        amountCaptured: number,
        amountOwed: number,
        failureCode: string | null,
      ): ChargeSessionEvent => ({
        type: 'ChargeSessionCaptureSettled',
        data: {
          chargeId: 'ch_1',
          paymentIntentId: 'pi_1',
          outcome,
          amountCaptured,
          amountOwed,
          failureCode,
          settledAt: at(9),
        },
      });

      it('records the whole amount captured, nothing owed', () =>
        given(pending)
          .when(ended('captured', 1_200))
          .then([captureSettled('captured', 1_200, 0, null)]));

      it('records a partial authorization: what was granted, the rest owed', () =>
        given(pending)
          .when(ended('captured', 900))
          .then([captureSettled('captured', 900, 300, null)]));

      it('records a final failure with its code, the whole amount owed', () =>
        given(pending)
          .when(ended('failed', 0, 'INADEQUATE_BALANCE'))
          .then([captureSettled('failed', 0, 1_200, 'INADEQUATE_BALANCE')]));

      it('is recorded once: a repeat (the worker and the sweep both) changes nothing', () =>
        given([...pending, captureSettled('captured', 1_200, 0, null)])
          .when(ended('captured', 1_200))
          .then([]));

      it('is ignored unless the settlement is capture_pending', () => {
        given(done).when(ended('captured', 1_200)).then([]);
        given([...done, settled])
          .when(ended('failed', 0, 'X'))
          .then([]);
        given(running).when(ended('captured', 1_200)).then([]);
        given([]).when(ended('captured', 1_200)).then([]);
      });

      it('refuses an outcome that does not add up to the amount due', () => {
        given(pending).when(ended('captured', 1_201)).thenRefuses('capture_exceeds_amount_due', 'invalid');
        given(pending).when(ended('captured', -1)).thenRefuses('capture_exceeds_amount_due', 'invalid');
        given(pending)
          .when(ended('failed', 100, 'X'))
          .thenRefuses('failed_capture_took_money', 'invalid');
        given(pending).when(ended('captured', 0)).thenRefuses('captured_nothing', 'invalid');
      });

      it('settles the state: the charge no longer waits for the capture', () => {
        const state = [...pending, captureSettled('captured', 900, 300, null)].reduce(
          chargeSessionDecider.evolve,
          chargeSessionDecider.initialState(),
        );
        assert.deepEqual(state.status === 'completed' && state.settlement, {
          outcome: 'captured',
          amountCaptured: 900,
        });
      });
    });
  });

  describe('stop threshold', () => {
    it('is the authorization less the larger margin, never negative', () => {
      assert.equal(stopThreshold(10_000, { minor: 500, percent: 0 }), 9_500);
      assert.equal(stopThreshold(10_000, { minor: 500, percent: 10 }), 9_000);
      assert.equal(stopThreshold(300, { minor: 500, percent: 0 }), 0);
      assert.equal(stopThreshold(10_001, { minor: 0, percent: 1 }), 9_900);
    });
  });
});
