import { paymentIntentDecider } from '../../../src/domain/payment-intent/payment-intent.decider';
import { deciderSpec } from '../../support/decider-spec';
import {
  AFTER_EXPIRY,
  EXPIRES_AT,
  T0,
  T1,
  authorize,
  authorized,
  capture,
  captured,
  card,
  create,
  created,
  expire,
  voidIt,
  voided,
} from './payment-intent.fixtures';

const given = deciderSpec(paymentIntentDecider);

describe('payment intent decider', () => {
  describe('create', () => {
    it('creates an intent awaiting authorization', () => given([]).when(create()).then([created()]));

    it('refuses to create twice', () =>
      given([created()]).when(create()).thenRefuses('payment_intent_exists'));

    it('refuses a wallet link on a card intent', () =>
      given([])
        .when({ ...create(), edenredLinkId: 'edl_1' } as never)
        .thenRefuses('edenred_link_unexpected', 'invalid'));
  });

  describe('authorize', () => {
    it('records the card-present authorization with its expiry', () =>
      given([created()])
        .when(authorize())
        .then([
          {
            type: 'PaymentIntentAuthorized',
            data: {
              paymentIntentId: 'pi_1',
              amountAuthorized: 10_000,
              paymentMethod: card,
              authorizedAt: T1,
              expiresAt: EXPIRES_AT,
            },
          },
        ]));

    it('accepts a partial authorization below the intent amount', () =>
      given([created(10_000)])
        .when(authorize(6_000))
        .then([authorized(6_000)]));

    it('refuses an authorization above the intent amount', () =>
      given([created(10_000)])
        .when(authorize(10_001))
        .thenRefuses('amount_exceeds_intent', 'conflict'));

    it('records a decline as a failed authorization', () =>
      given([created()])
        .when(authorize(10_000, { code: '51', message: 'insufficient funds' }))
        .then([
          {
            type: 'PaymentIntentAuthorizationFailed',
            data: {
              paymentIntentId: 'pi_1',
              declineCode: '51',
              message: 'insufficient funds',
              paymentMethod: card,
              failedAt: T1,
            },
          },
        ]));

    it('allows another attempt after a decline', () =>
      given([
        created(),
        {
          type: 'PaymentIntentAuthorizationFailed',
          data: {
            paymentIntentId: 'pi_1',
            declineCode: '05',
            message: 'do not honour',
            paymentMethod: card,
            failedAt: T0,
          },
        },
      ])
        .when(authorize())
        .then([authorized()]));

    it('refuses to authorize twice', () =>
      given([created(), authorized()])
        .when(authorize())
        .thenRefuses('payment_intent_unexpected_state', 'conflict'));

    it('refuses to authorize an intent that does not exist', () =>
      given([]).when(authorize()).thenRefuses('payment_intent_not_created'));
  });

  describe('capture', () => {
    it('captures everything authorized by default', () =>
      given([created(), authorized(10_000)])
        .when(capture())
        .then([captured(10_000, 0)]));

    it('releases the remainder of a partial capture', () =>
      given([created(), authorized(10_000)])
        .when(capture(7_250))
        .then([captured(7_250, 2_750)]));

    it('refuses to capture more than authorized', () =>
      given([created(), authorized(10_000)])
        .when(capture(10_001))
        .thenRefuses('amount_exceeds_authorized', 'conflict'));

    it('refuses to capture twice', () =>
      given([created(), authorized(), captured(5_000, 5_000)])
        .when(capture(1_000))
        .thenRefuses('payment_intent_unexpected_state'));

    it('refuses to capture after a void', () =>
      given([created(), authorized(), voided(10_000)])
        .when(capture())
        .thenRefuses('payment_intent_unexpected_state'));

    it('refuses to capture before authorization', () =>
      given([created()]).when(capture()).thenRefuses('payment_intent_unexpected_state'));

    it('refuses to capture an authorization past its expiry', () =>
      given([created(), authorized()])
        .when(capture(undefined, AFTER_EXPIRY))
        .thenRefuses('authorization_expired'));
  });

  describe('void', () => {
    it('voids an authorization and releases all of it', () =>
      given([created(), authorized(8_000)])
        .when(voidIt())
        .then([voided(8_000)]));

    it('voids an intent that was never authorized, releasing nothing', () =>
      given([created()])
        .when(voidIt('abandoned'))
        .then([voided(0, 'abandoned')]));

    it('refuses to void after capture', () =>
      given([created(), authorized(), captured(10_000, 0)])
        .when(voidIt())
        .thenRefuses('payment_intent_unexpected_state'));

    it('refuses to void twice', () =>
      given([created(), authorized(), voided(10_000)])
        .when(voidIt())
        .thenRefuses('payment_intent_unexpected_state'));
  });

  describe('expire', () => {
    it('expires an open authorization at its expiry time', () =>
      given([created(), authorized(9_000)])
        .when(expire(AFTER_EXPIRY))
        .then([
          {
            type: 'PaymentIntentExpired',
            data: { paymentIntentId: 'pi_1', amountReleased: 9_000, expiredAt: AFTER_EXPIRY },
          },
        ]));

    it('does nothing before the expiry time', () =>
      given([created(), authorized()]).when(expire(T1)).then([]));

    it('does nothing to a captured intent', () =>
      given([created(), authorized(), captured(10_000, 0)])
        .when(expire(AFTER_EXPIRY))
        .then([]));
  });
});
