import assert from 'node:assert/strict';
import type { PaymentIntentEvent } from '../../../src/domain/payment-intent/payment-intent.events';
import { paymentIntentProjection } from '../../../src/projections/payment-intents/payment-intent.projection';
import { project, recordedEvent, sequenced } from '../../support/projection-spec';
import { T1, T2, authorized, created } from '../../domain/payment-intent/payment-intent.fixtures';

const recorded = (event: PaymentIntentEvent) =>
  recordedEvent('payment_intent-pi_1', event.type, event.data as Record<string, unknown>);

describe('payment intent projection: charges', () => {
  it('shows the charge that took the intent, and its capture', () => {
    const doc = project(
      paymentIntentProjection,
      sequenced([
        recorded(created()),
        recorded(authorized(10_000)),
        recorded({
          type: 'PaymentIntentLinkedToCharge',
          data: { paymentIntentId: 'pi_1', chargeId: 'ch_1', linkedAt: T1 },
        }),
        recorded({
          type: 'PaymentIntentCaptured',
          data: {
            paymentIntentId: 'pi_1',
            amountCaptured: 4_500,
            amountReleased: 5_500,
            capturedAt: T2,
            chargeId: 'ch_1',
          },
        }),
      ]),
    ).get('pi_1');
    assert.deepEqual(
      [doc?.status, doc?.chargeId, doc?.amountCaptured, doc?.amountReleased, doc?.version],
      ['captured', 'ch_1', 4_500, 5_500, 4],
    );
  });
});
