import { paymentIntentDecider } from '../../../src/domain/payment-intent/payment-intent.decider';
import type { PaymentIntentCommand } from '../../../src/domain/payment-intent/payment-intent.commands';
import type { PaymentIntentEvent } from '../../../src/domain/payment-intent/payment-intent.events';
import { deciderSpec } from '../../support/decider-spec';
import { EXPIRES_AT, T0, T1, T2, TTL_MS, created } from './payment-intent.fixtures';

const given = deciderSpec(paymentIntentDecider);
const edenred = { type: 'edenred' as const, linkId: 'edl_1', spendableAmount: 8_000 };

const createdEdenred: PaymentIntentEvent = {
  type: 'PaymentIntentCreated',
  data: { ...created().data, paymentMethodType: 'edenred', edenredLinkId: 'edl_1' },
};
const authorized: PaymentIntentEvent = {
  type: 'PaymentIntentAuthorized',
  data: {
    paymentIntentId: 'pi_1',
    amountAuthorized: 8_000,
    paymentMethod: edenred,
    authorizedAt: T1,
    expiresAt: EXPIRES_AT,
  },
};
const linked: PaymentIntentEvent = {
  type: 'PaymentIntentLinkedToCharge',
  data: { paymentIntentId: 'pi_1', chargeId: 'ch_1', linkedAt: T1 },
};
const requested: PaymentIntentEvent = {
  type: 'PaymentIntentCaptureRequested',
  data: { paymentIntentId: 'pi_1', amountRequested: 6_000, requestedAt: T2, chargeId: 'ch_1' },
};
const assigned: PaymentIntentEvent = {
  type: 'PaymentIntentEdenredOrderRefAssigned',
  data: { paymentIntentId: 'pi_1', orderRef: 42, assignedAt: T2 },
};
const pending = [createdEdenred, authorized, linked, requested];

const captureFor: PaymentIntentCommand = {
  type: 'CapturePaymentIntent',
  now: T2,
  amount: 6_000,
  chargeId: 'ch_1',
};
const recordCapture = (capturedAmount: number, code = 'SUCCESS'): PaymentIntentCommand => ({
  type: 'RecordEdenredCapture',
  now: T2,
  code,
  authorizationId: 'auth_1',
  captureId: 'cap_1',
  capturedAmount,
});
const failure: PaymentIntentCommand = {
  type: 'RecordEdenredCaptureFailure',
  now: T2,
  errorClass: 'declined',
  code: 'INADEQUATE_BALANCE',
  reason: 'the balance is too low',
};

describe('payment intent decider: Edenred', () => {
  it('creates an Edenred intent bound to its link', () =>
    given([])
      .when({
        type: 'CreatePaymentIntent',
        now: T0,
        paymentIntentId: 'pi_1',
        merchantId: 'mer_1',
        terminalId: 'trm_1',
        amount: 10_000,
        currency: 'TRY',
        paymentMethodType: 'edenred',
        metadata: {},
        edenredLinkId: 'edl_1',
      })
      .then([createdEdenred]));

  it('authorizes with the link it was created with, and no other', () => {
    const authorize = (linkId: string): PaymentIntentCommand => ({
      type: 'AuthorizePaymentIntent',
      now: T1,
      amount: 8_000,
      paymentMethod: { ...edenred, linkId },
      authorizationTtlMs: TTL_MS,
    });
    given([createdEdenred]).when(authorize('edl_1')).then([authorized]);
    given([createdEdenred]).when(authorize('edl_2')).thenRefuses('edenred_link_mismatch', 'invalid');
  });

  it('an intent created without its link takes the link of its authorization, then keeps it', () => {
    const unlinked: PaymentIntentEvent = {
      type: 'PaymentIntentCreated',
      data: { ...created().data, paymentMethodType: 'edenred' },
    };
    const authorizeWith = (linkId: string): PaymentIntentCommand => ({
      type: 'AuthorizePaymentIntent',
      now: T1,
      amount: 8_000,
      paymentMethod: { ...edenred, linkId },
      authorizationTtlMs: TTL_MS,
      decline: { code: 'INADEQUATE_BALANCE', message: 'low' },
    });
    const failed: PaymentIntentEvent = {
      type: 'PaymentIntentAuthorizationFailed',
      data: {
        paymentIntentId: 'pi_1',
        declineCode: 'INADEQUATE_BALANCE',
        message: 'low',
        paymentMethod: { ...edenred, linkId: 'edl_9' },
        failedAt: T1,
      },
    };
    given([unlinked]).when(authorizeWith('edl_9')).then([failed]);
    given([unlinked, failed]).when(authorizeWith('edl_8')).thenRefuses('edenred_link_mismatch');
  });

  it("a charge's capture becomes capture_pending, and a repeat changes nothing", () => {
    given([createdEdenred, authorized, linked]).when(captureFor).then([requested]);
    given(pending).when(captureFor).then([]);
  });

  it('refuses a capture above the authorization (what Edenred said can be spent)', () =>
    given([createdEdenred, authorized, linked])
      .when({ ...captureFor, amount: 8_001 } as PaymentIntentCommand)
      .thenRefuses('amount_exceeds_authorized'));

  it('keeps the first order_ref: a second assignment is a no-op', () => {
    given(pending).when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 42 }).then([assigned]);
    given([...pending, assigned])
      .when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 43 })
      .then([]);
  });

  it('replaces the order_ref Edenred refused as repeated with a higher one, once', () => {
    const replaced: PaymentIntentEvent = {
      type: 'PaymentIntentEdenredOrderRefAssigned',
      data: { paymentIntentId: 'pi_1', orderRef: 50, assignedAt: T2, replacedOrderRef: 42 },
    };
    given([...pending, assigned])
      .when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 50, replacing: 42 })
      .then([replaced]);
    // Another worker replaced it first, or it names an order_ref the intent does not hold: no-op.
    given([...pending, assigned, replaced])
      .when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 51, replacing: 42 })
      .then([]);
    given(pending).when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 50, replacing: 42 }).then([]);
    given([...pending, assigned])
      .when({ type: 'AssignEdenredOrderRef', now: T2, orderRef: 41, replacing: 42 })
      .thenRefuses('order_ref_not_increasing');
  });

  it('hands a pending capture to an operator once; a settled one is not flagged', () => {
    const flag = {
      type: 'FlagEdenredCaptureForAttention',
      now: T2,
      code: 'TRY_AGAIN',
      reason: 'later',
    } as const;
    const flagged: PaymentIntentEvent = {
      type: 'PaymentIntentCaptureNeedsAttention',
      data: {
        paymentIntentId: 'pi_1',
        orderRef: 42,
        code: 'TRY_AGAIN',
        reason: 'later',
        pendingSince: (requested.data as { requestedAt: string }).requestedAt,
        flaggedAt: T2,
        chargeId: 'ch_1',
      },
    };
    given([...pending, assigned])
      .when(flag)
      .then([flagged]);
    given([...pending, assigned, flagged])
      .when(flag)
      .then([]);
    given([createdEdenred]).when(flag).then([]);
  });

  it('never records a capture without an order_ref (Edenred was not called)', () =>
    given(pending).when(recordCapture(6_000)).thenRefuses('order_ref_missing'));

  it('records the capture with its order_ref; a repeat changes nothing', () => {
    const captured: PaymentIntentEvent = {
      type: 'PaymentIntentCaptured',
      data: {
        paymentIntentId: 'pi_1',
        amountCaptured: 6_000,
        amountReleased: 2_000,
        capturedAt: T2,
        chargeId: 'ch_1',
        edenred: {
          orderRef: 42,
          code: 'SUCCESS',
          authorizationId: 'auth_1',
          captureId: 'cap_1',
          amountOwed: 0,
        },
      },
    };
    given([...pending, assigned])
      .when(recordCapture(6_000))
      .then([captured]);
    given([...pending, assigned, captured])
      .when(recordCapture(6_000))
      .then([]);
    given([...pending, assigned, captured])
      .when(captureFor)
      .then([]);
  });

  it('a partial authorization captures what was granted and records the rest as owed', () =>
    given([...pending, assigned])
      .when(recordCapture(4_500, 'PARTIAL_AUTH'))
      .then([
        {
          type: 'PaymentIntentCaptured',
          data: {
            paymentIntentId: 'pi_1',
            amountCaptured: 4_500,
            amountReleased: 2_000,
            capturedAt: T2,
            chargeId: 'ch_1',
            edenred: {
              orderRef: 42,
              code: 'PARTIAL_AUTH',
              authorizationId: 'auth_1',
              captureId: 'cap_1',
              amountOwed: 1_500,
            },
          },
        },
      ]));

  it('refuses a capture above what was requested', () =>
    given([...pending, assigned])
      .when(recordCapture(6_001))
      .thenRefuses('capture_amount_out_of_range'));

  it('a final failure owes the whole amount, once', () => {
    const failed: PaymentIntentEvent = {
      type: 'PaymentIntentCaptureFailed',
      data: {
        paymentIntentId: 'pi_1',
        errorClass: 'declined',
        code: 'INADEQUATE_BALANCE',
        reason: 'the balance is too low',
        amountOwed: 6_000,
        orderRef: 42,
        failedAt: T2,
        chargeId: 'ch_1',
      },
    };
    given([...pending, assigned])
      .when(failure)
      .then([failed]);
    given([...pending, assigned, failed])
      .when(failure)
      .then([]);
    given([...pending, assigned, failed])
      .when(recordCapture(6_000))
      .thenRefuses('payment_intent_unexpected_state');
  });

  it('a pending capture is neither voided nor expired', () => {
    given(pending)
      .when({ type: 'VoidPaymentIntent', now: T2, reason: 'x', chargeId: 'ch_1' })
      .thenRefuses('payment_intent_unexpected_state');
    given(pending).when({ type: 'ExpirePaymentIntent', now: '2027-01-01T00:00:00.000Z' }).then([]);
  });
});
