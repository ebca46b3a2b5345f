import assert from 'node:assert/strict';
import { chargeIdFor } from '../../src/commands/charges/charge.service';
import { systemContext } from '../../src/commands/command-context';
import type { ChargeSessionState } from '../../src/domain/charge-session/charge-session.state';
import { conflict } from '../../src/domain/shared/domain-error';
import { feedCharge } from '../../src/ocpi/process/charge-feed';
import { ocpiFlowWorkOf } from '../../src/ocpi/process/ocpi-flow-triggers';
import { recordingLogger } from '../support/recording-logger';

const session = (status: string, kwh: number, authorizationReference: string | null = 'pi_1') => ({
  type: 'OcpiSessionStored',
  data: { sessionId: 'SES-1', status, kwh, authorizationReference, lastUpdated: '2026-03-02T10:00:00.000Z' },
});

describe('OCPI process manager: what each event asks for', () => {
  it('a settled intent or a CDR naming one asks for its Financial Advice Confirmation', () => {
    for (const type of [
      'PaymentIntentCaptured',
      'PaymentIntentCaptureFailed',
      'PaymentIntentVoided',
      'PaymentIntentExpired',
      'OcpiCdrReceived',
    ]) {
      assert.deepEqual(ocpiFlowWorkOf({ type, data: { paymentIntentId: 'pi_1' } }), {
        kind: 'confirm',
        paymentIntentId: 'pi_1',
      });
    }
    assert.equal(ocpiFlowWorkOf({ type: 'OcpiCdrReceived', data: { paymentIntentId: null } }), undefined);
    assert.equal(
      ocpiFlowWorkOf({ type: 'PaymentIntentAuthorized', data: { paymentIntentId: 'pi_1' } }),
      undefined,
    );
    assert.equal(
      ocpiFlowWorkOf({ type: 'PaymentIntentCaptureRequested', data: { paymentIntentId: 'pi_1' } }),
      undefined,
    );
  });

  it('a session naming an intent feeds its charge: the status in the CPMS vocabulary, kWh as Wh', () => {
    assert.deepEqual(ocpiFlowWorkOf(session('ACTIVE', 12.3456)), {
      kind: 'feed-charge',
      paymentIntentId: 'pi_1',
      sessionId: 'SES-1',
      status: 'STARTED',
      reading: { measuredAt: '2026-03-02T10:00:00.000Z', meterWh: 12_346 },
    });
    assert.equal(ocpiFlowWorkOf(session('COMPLETED', 1))?.kind, 'feed-charge');
    assert.equal(ocpiFlowWorkOf(session('ACTIVE', 1, null)), undefined, 'no authorization_reference');
    assert.equal(ocpiFlowWorkOf(session('SOMETHING_NEW', 1)), undefined, 'a status we do not know');
  });
});

describe('OCPI process manager: feeding a charge', () => {
  const calls: string[] = [];
  const fakeCharges = (states: ChargeSessionState['status'][], refuse?: string) => {
    calls.length = 0;
    let loads = 0;
    return {
      load: async () => ({ status: states[Math.min(loads++, states.length - 1)] }) as ChargeSessionState,
      reportCpmsStatus: async (chargeId: string, status: string) => {
        assert.equal(chargeId, chargeIdFor('pi_1'));
        calls.push(`status ${status}`);
        if (refuse === 'status') throw conflict('charge_not_running', 'no');
        return undefined as never;
      },
      recordCpmsReading: async (_chargeId: string, reading: { meterWh: number }) => {
        calls.push(`reading ${reading.meterWh}`);
        if (refuse === 'reading') throw conflict('charge_not_running', 'no');
        return undefined as never;
      },
    };
  };
  const work = (status: 'STARTED' | 'COMPLETE' | 'FAILED' | 'WAITING_TO_START', meterWh: number) => ({
    kind: 'feed-charge' as const,
    paymentIntentId: 'pi_1',
    sessionId: 'SES-1',
    status,
    reading: { measuredAt: '2026-03-02T10:00:00.000Z', meterWh },
  });
  const { logger } = recordingLogger();
  const context = systemContext('test');

  it('starts a pending charge, then records the energy', async () => {
    await feedCharge(
      { charges: fakeCharges(['pending', 'active']), logger },
      work('STARTED', 5_000),
      context,
    );
    assert.deepEqual(calls, ['status STARTED', 'reading 5000']);
  });

  it('a session ending with energy on a pending charge: started, metered, ended', async () => {
    await feedCharge(
      { charges: fakeCharges(['pending', 'active']), logger },
      work('COMPLETE', 5_000),
      context,
    );
    assert.deepEqual(calls, ['status STARTED', 'reading 5000', 'status COMPLETE']);
  });

  it('a pending session or an unknown charge changes nothing', async () => {
    await feedCharge({ charges: fakeCharges(['pending']), logger }, work('WAITING_TO_START', 0), context);
    await feedCharge({ charges: fakeCharges(['empty']), logger }, work('STARTED', 10), context);
    assert.deepEqual(calls, []);
  });

  it('a charge refusing a report is logged and skipped, not retried forever', async () => {
    await feedCharge(
      { charges: fakeCharges(['active'], 'reading'), logger },
      work('STARTED', 9_000),
      context,
    );
    assert.deepEqual(calls, ['reading 9000']);
  });

  it('a failure that is no refusal (a store down) propagates, so the subscription retries the event', async () => {
    const charges = {
      ...fakeCharges(['active']),
      recordCpmsReading: async () => Promise.reject(new Error('down')),
    };
    await assert.rejects(feedCharge({ charges, logger }, work('STARTED', 9_000), context), /down/);
  });
});
