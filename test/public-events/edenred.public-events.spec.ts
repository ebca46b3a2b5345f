import assert from 'node:assert/strict';
import { publicEventCatalogue } from '../../src/public-events/catalogue';
import type { PaymentIntentEvent } from '../../src/domain/payment-intent/payment-intent.events';
import { created, EXPIRES_AT, T1, T2 } from '../domain/payment-intent/payment-intent.fixtures';
import { recordedEvent, sequenced } from '../support/projection-spec';

const edenredStream = (outcome: PaymentIntentEvent) =>
  sequenced(
    (
      [
        {
          type: 'PaymentIntentCreated',
          data: { ...created().data, paymentMethodType: 'edenred', edenredLinkId: 'edl_1' },
        },
        {
          type: 'PaymentIntentAuthorized',
          data: {
            paymentIntentId: 'pi_1',
            amountAuthorized: 8_000,
            paymentMethod: { type: 'edenred', linkId: 'edl_1', spendableAmount: 8_000 },
            authorizedAt: T1,
            expiresAt: EXPIRES_AT,
          },
        },
        {
          type: 'PaymentIntentCaptureRequested',
          data: { paymentIntentId: 'pi_1', amountRequested: 6_000, requestedAt: T2 },
        },
        {
          type: 'PaymentIntentEdenredOrderRefAssigned',
          data: { paymentIntentId: 'pi_1', orderRef: 77, assignedAt: T2 },
        },
        outcome,
      ] as PaymentIntentEvent[]
    ).map((event) => recordedEvent('payment_intent-pi_1', event.type, event.data as Record<string, unknown>)),
  );

const publicOf = (stream: ReturnType<typeof edenredStream>, index: number) =>
  publicEventCatalogue.toPublicEvent(stream[index]!, stream.slice(0, index + 1));

describe('public events of an Edenred capture', () => {
  it('capture_pending, then capture_failed with the code, the reason and the amount owed', () => {
    const stream = edenredStream({
      type: 'PaymentIntentCaptureFailed',
      data: {
        paymentIntentId: 'pi_1',
        errorClass: 'declined',
        code: 'INADEQUATE_BALANCE',
        reason: 'the balance is too low',
        amountOwed: 6_000,
        orderRef: 77,
        failedAt: T2,
      },
    });
    assert.equal(publicOf(stream, 2)?.type, 'payment_intent.capture_pending');
    assert.equal(publicOf(stream, 3), null, 'the order_ref assignment is internal');
    const failed = publicOf(stream, 4);
    assert.equal(failed?.type, 'payment_intent.capture_failed');
    assert.equal(failed?.data.status, 'capture_failed');
    assert.deepEqual(failed?.data.edenred, {
      linkId: 'edl_1',
      orderRef: 77,
      code: 'INADEQUATE_BALANCE',
      failureReason: 'the balance is too low',
      amountOwed: 6_000,
    });
    assert.deepEqual(failed?.data.paymentMethod, { type: 'edenred' });
  });

  it('a partial authorization is a capture that says what is still owed', () => {
    const stream = edenredStream({
      type: 'PaymentIntentCaptured',
      data: {
        paymentIntentId: 'pi_1',
        amountCaptured: 4_500,
        amountReleased: 2_000,
        capturedAt: T2,
        edenred: {
          orderRef: 77,
          code: 'PARTIAL_AUTH',
          authorizationId: 'a1',
          captureId: 'c1',
          amountOwed: 1_500,
        },
      },
    });
    const captured = publicOf(stream, 4);
    assert.equal(captured?.type, 'payment_intent.captured');
    assert.equal(captured?.data.amountCaptured, 4_500);
    assert.deepEqual(captured?.data.edenred, {
      linkId: 'edl_1',
      orderRef: 77,
      code: 'PARTIAL_AUTH',
      failureReason: null,
      amountOwed: 1_500,
    });
  });
});
