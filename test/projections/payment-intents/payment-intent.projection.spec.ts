import assert from 'node:assert/strict';
import { paymentIntentEventCodec } from '../../../src/domain/payment-intent/payment-intent.events';
import { paymentIntentProjection } from '../../../src/projections/payment-intents/payment-intent.projection';
import type { PaymentIntentDocument } from '../../../src/projections/payment-intents/payment-intent.document';
import type { PaymentIntentEvent } from '../../../src/domain/payment-intent/payment-intent.events';
import { givenProjection, recordedEvent } from '../../support/projection-spec';
import {
  AFTER_EXPIRY,
  EXPIRES_AT,
  T0,
  T1,
  T2,
  authorized,
  captured,
  card,
  created,
  voided,
} from '../../domain/payment-intent/payment-intent.fixtures';

const at = (event: PaymentIntentEvent, occurredAt: string) =>
  recordedEvent('payment_intent-pi_1', event.type, event.data as Record<string, unknown>, {
    metadata: { correlationId: 'c', actor: { id: 'key_1', kind: 'api_key' }, occurredAt, schemaVersion: 1 },
  });

const base: PaymentIntentDocument = {
  _id: 'pi_1',
  id: 'pi_1',
  object: 'payment_intent',
  status: 'requires_authorization',
  amount: 10_000,
  currency: 'TRY',
  amountAuthorized: 0,
  amountCaptured: 0,
  amountReleased: 0,
  paymentMethod: { type: 'card_present' },
  lastAuthorizationError: null,
  terminalId: 'trm_1',
  merchantId: 'mer_1',
  chargeId: null,
  metadata: {},
  cancellationReason: null,
  createdAt: T0,
  updatedAt: T0,
  authorizedAt: null,
  capturedAt: null,
  voidedAt: null,
  expiresAt: null,
  version: 1,
};

const authorizedDoc: PaymentIntentDocument = {
  ...base,
  status: 'authorized',
  amountAuthorized: 10_000,
  paymentMethod: {
    type: 'card_present',
    cardPresent: {
      scheme: card.scheme,
      last4: card.last4,
      authorizationCode: card.authorizationCode,
      rrn: card.rrn,
    },
  },
  authorizedAt: T1,
  expiresAt: EXPIRES_AT,
  updatedAt: T1,
  version: 2,
};

const { given } = givenProjection(paymentIntentProjection);

describe('payment intent projection', () => {
  it('creates the resource awaiting authorization', () => given([at(created(), T0)]).then(base));

  it('shows the authorization with the card details the terminal reported', () =>
    given([at(created(), T0), at(authorized(), T1)]).then(authorizedDoc));

  it('shows a partial capture and the released remainder', () =>
    given([at(created(), T0), at(authorized(), T1), at(captured(7_250, 2_750), T2)]).then({
      ...authorizedDoc,
      status: 'captured',
      amountCaptured: 7_250,
      amountReleased: 2_750,
      capturedAt: T2,
      updatedAt: T2,
      version: 3,
    }));

  it('shows a void with its reason', () =>
    given([at(created(), T0), at(authorized(), T1), at(voided(10_000, 'driver_left'), T2)]).then({
      ...authorizedDoc,
      status: 'voided',
      amountReleased: 10_000,
      cancellationReason: 'driver_left',
      voidedAt: T2,
      updatedAt: T2,
      version: 3,
    }));

  it('shows an expiry releasing the authorization', () =>
    given([
      at(created(), T0),
      at(authorized(), T1),
      at(
        {
          type: 'PaymentIntentExpired',
          data: { paymentIntentId: 'pi_1', amountReleased: 10_000, expiredAt: AFTER_EXPIRY },
        },
        AFTER_EXPIRY,
      ),
    ]).then({
      ...authorizedDoc,
      status: 'expired',
      amountReleased: 10_000,
      updatedAt: AFTER_EXPIRY,
      version: 3,
    }));

  it('shows a decline with its reason', () =>
    given([
      at(created(), T0),
      at(
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
        T1,
      ),
    ]).then({
      ...base,
      status: 'authorization_failed',
      paymentMethod: authorizedDoc.paymentMethod,
      lastAuthorizationError: { declineCode: '51', message: 'insufficient funds' },
      updatedAt: T1,
      version: 2,
    }));

  it('relies on the write for schema checks: the codec every append goes through refuses bad data', () =>
    assert.throws(
      () =>
        paymentIntentEventCodec.parse({
          type: 'PaymentIntentCreated',
          data: { paymentIntentId: 'pi_1', amount: -5 },
        }),
      /does not match its schema/,
    ));

  it('refuses an event of a type it does not know', () =>
    assert.throws(
      () =>
        paymentIntentProjection.evolve(
          null,
          recordedEvent('payment_intent-pi_1', 'PaymentIntentTeleported', {}),
        ),
      /unknown event type/,
    ));
});
