import type { PaymentIntentCommand } from '../../../src/domain/payment-intent/payment-intent.commands';
import { paymentIntentDecider } from '../../../src/domain/payment-intent/payment-intent.decider';
import type { PaymentIntentEvent } from '../../../src/domain/payment-intent/payment-intent.events';
import { deciderSpec } from '../../support/decider-spec';
import { AFTER_EXPIRY, T1, T2, authorized, captured, created, voided } from './payment-intent.fixtures';

const given = deciderSpec(paymentIntentDecider);

const link = (
  overrides: Partial<Extract<PaymentIntentCommand, { type: 'LinkPaymentIntentToCharge' }>> = {},
): PaymentIntentCommand => ({
  type: 'LinkPaymentIntentToCharge',
  now: T1,
  chargeId: 'ch_1',
  currency: 'TRY',
  minimumAuthorized: 0,
  ...overrides,
});

const linked = (chargeId = 'ch_1'): PaymentIntentEvent => ({
  type: 'PaymentIntentLinkedToCharge',
  data: { paymentIntentId: 'pi_1', chargeId, linkedAt: T1 },
});

const captureFor = (amount: number, chargeId = 'ch_1'): PaymentIntentCommand => ({
  type: 'CapturePaymentIntent',
  now: T2,
  amount,
  chargeId,
});

const voidFor = (chargeId = 'ch_1'): PaymentIntentCommand => ({
  type: 'VoidPaymentIntent',
  now: T2,
  reason: 'charge_failed',
  chargeId,
});

describe('payment intent decider: charges', () => {
  describe('link to a charge', () => {
    it('links an authorized intent', () => given([created(), authorized()]).when(link()).then([linked()]));

    it('is a no-op when the same charge links again', () =>
      given([created(), authorized(), linked()]).when(link()).then([]));

    it('refuses a second charge', () =>
      given([created(), authorized(), linked('ch_other')])
        .when(link())
        .thenRefuses('payment_intent_already_linked', 'conflict'));

    it('refuses an intent that is not authorized', () =>
      given([created()]).when(link()).thenRefuses('payment_intent_not_authorized', 'conflict'));

    it('refuses an authorization past its expiry', () =>
      given([created(), authorized()])
        .when(link({ now: AFTER_EXPIRY }))
        .thenRefuses('authorization_expired'));

    it("refuses a tariff in another currency than the payment's", () =>
      given([created(), authorized()])
        .when(link({ currency: 'EUR' }))
        .thenRefuses('currency_mismatch', 'conflict'));

    it("refuses an authorization below the tariff's pre-authorization amount", () =>
      given([created(), authorized(10_000)])
        .when(link({ minimumAuthorized: 10_001 }))
        .thenRefuses('preauthorization_insufficient', 'conflict'));

    it('accepts an authorization equal to the pre-authorization amount', () =>
      given([created(), authorized(10_000)])
        .when(link({ minimumAuthorized: 10_000 }))
        .then([linked()]));
  });

  describe('capture and void on behalf of the charge', () => {
    it('captures the amount the charge owes, naming the charge, and releases the rest', () =>
      given([created(), authorized(10_000), linked()])
        .when(captureFor(6_123))
        .then([
          {
            type: 'PaymentIntentCaptured',
            data: {
              paymentIntentId: 'pi_1',
              amountCaptured: 6_123,
              amountReleased: 3_877,
              capturedAt: T2,
              chargeId: 'ch_1',
            },
          },
        ]));

    it('recognises its own capture: a second attempt for the same charge is a no-op, not a 409', () =>
      given([
        created(),
        authorized(10_000),
        linked(),
        {
          type: 'PaymentIntentCaptured',
          data: {
            paymentIntentId: 'pi_1',
            amountCaptured: 6_123,
            amountReleased: 3_877,
            capturedAt: T2,
            chargeId: 'ch_1',
          },
        },
      ])
        .when(captureFor(6_123))
        .then([]));

    it('refuses a capture for another charge', () =>
      given([created(), authorized(), linked()])
        .when(captureFor(1_000, 'ch_other'))
        .thenRefuses('charge_mismatch', 'conflict'));

    it('refuses a merchant capture of an intent a charge settles', () =>
      given([created(), authorized(), linked()])
        .when({ type: 'CapturePaymentIntent', now: T2 })
        .thenRefuses('payment_intent_linked_to_charge', 'conflict'));

    it('refuses a merchant void of an intent a charge settles', () =>
      given([created(), authorized(), linked()])
        .when({ type: 'VoidPaymentIntent', now: T2, reason: 'requested_by_customer' })
        .thenRefuses('payment_intent_linked_to_charge', 'conflict'));

    it('voids for the charge, releasing everything, and recognises a repeat', () => {
      const voidedForCharge: PaymentIntentEvent = {
        type: 'PaymentIntentVoided',
        data: {
          paymentIntentId: 'pi_1',
          reason: 'charge_failed',
          amountReleased: 8_000,
          voidedAt: T2,
          chargeId: 'ch_1',
        },
      };
      given([created(), authorized(8_000), linked()])
        .when(voidFor())
        .then([voidedForCharge]);
      given([created(), authorized(8_000), linked(), voidedForCharge])
        .when(voidFor())
        .then([]);
    });

    it('does not capture above the authorization even for a charge', () =>
      given([created(), authorized(5_000), linked()])
        .when(captureFor(5_001))
        .thenRefuses('amount_exceeds_authorized'));

    it('leaves intents without a charge as they were', () =>
      given([created(), authorized(), captured(10_000, 0)])
        .when(captureFor(1_000))
        .thenRefuses('charge_mismatch'));

    it('cannot capture for the charge after a merchant void that happened before the link', () =>
      given([created(), authorized(), voided(10_000)])
        .when(link())
        .thenRefuses('payment_intent_not_authorized'));
  });
});
