import assert from 'node:assert/strict';
import { createCatalogue, publicEventCatalogue } from '../../src/public-events/catalogue';
import { publicEventBody } from '../../src/public-events/public-event';
import { authorized, captured, created } from '../domain/payment-intent/payment-intent.fixtures';
import { recordedEvent, sequenced } from '../support/projection-spec';

const stream = sequenced(
  [created(), authorized(), captured(10_000, 0)].map((event) =>
    recordedEvent('payment_intent-pi_1', event.type, event.data as Record<string, unknown>),
  ),
);

/** Every field a payment intent webhook may carry: adding one is a decision, not an accident. */
const PUBLIC_PAYMENT_INTENT_FIELDS = [
  'amount',
  'amountAuthorized',
  'amountCaptured',
  'amountReleased',
  'authorizedAt',
  'cancellationReason',
  'capturedAt',
  'chargeId',
  'createdAt',
  'currency',
  'expiresAt',
  'id',
  'lastAuthorizationError',
  'metadata',
  'object',
  'paymentMethod',
  'status',
  'terminalId',
  'updatedAt',
  'version',
  'voidedAt',
];

describe('public event catalogue', () => {
  it('maps each payment intent event to a versioned public type', () => {
    assert.deepEqual(
      publicEventCatalogue.publicTypes().filter((type) => type.startsWith('payment_intent.')),
      [
        'payment_intent.authorization_failed',
        'payment_intent.authorized',
        'payment_intent.capture_failed',
        'payment_intent.capture_needs_attention',
        'payment_intent.capture_pending',
        'payment_intent.captured',
        'payment_intent.created',
        'payment_intent.expired',
        'payment_intent.voided',
      ],
    );
  });

  it('builds the resource as of the event, from an explicit list of fields', () => {
    const authorizedEvent = stream[1]!;
    const event = publicEventCatalogue.toPublicEvent(authorizedEvent, stream.slice(0, 2));
    assert.ok(event);
    assert.deepEqual(
      [event.type, event.version, event.merchantId, event.data.status, event.data.version],
      ['payment_intent.authorized', 1, 'mer_1', 'authorized', 2],
    );
    assert.deepEqual(Object.keys(event.data).sort(), PUBLIC_PAYMENT_INTENT_FIELDS);
    assert.deepEqual(event.data.paymentMethod, {
      type: 'card_present',
      cardPresent: { scheme: 'troy', last4: '4242' },
    });
    assert.match(event.id, /^evt_[0-9A-Z]{26}$/);
    // The same domain event always gives the same public event, so replays send the same bytes.
    assert.equal(
      publicEventBody(event),
      publicEventBody(publicEventCatalogue.toPublicEvent(authorizedEvent, stream.slice(0, 2))!),
    );
    assert.deepEqual(Object.keys(JSON.parse(publicEventBody(event))), [
      'id',
      'type',
      'version',
      'timestamp',
      'data',
    ]);
  });

  it('knows its patterns', () => {
    for (const pattern of [
      '*',
      'payment_intent.*',
      'payment_intent.captured',
      'webhook_subscription.disabled',
    ]) {
      assert.equal(publicEventCatalogue.isKnownPattern(pattern), true, pattern);
    }
    for (const pattern of ['payment_intent.refunded', 'refund.*', 'payment_intent']) {
      assert.equal(publicEventCatalogue.isKnownPattern(pattern), false, pattern);
    }
  });

  it('ignores domain events without a public counterpart', () => {
    assert.equal(publicEventCatalogue.handles('ApiKeyIssued'), false);
    assert.equal(publicEventCatalogue.handles('WebhookDeliveryAttempted'), false);
  });

  it('refuses two mappings of one domain event', () => {
    const mapping = {
      domainEventType: 'X',
      publicType: 'x.y',
      version: 1,
      needsHistory: false,
      build: () => null,
    };
    assert.throws(() => createCatalogue([mapping, mapping]), /two public events map X/);
  });

  it('announces terminals without their credentials, and health only when its status changes', () => {
    const registered = recordedEvent('terminal-trm_1', 'TerminalRegistered', {
      terminalId: 'trm_1',
      merchantId: 'mer_1',
      serialNumber: 'SN-1',
      model: 'A920',
      manufacturer: 'PAX',
      stationId: 'IST-001',
      label: null,
      firmwareVersion: '1.2.3',
      metadata: {},
      credentialId: 'key_secretive',
      registeredAt: '2026-01-15T10:00:00.000Z',
    });
    const event = publicEventCatalogue.toPublicEvent(registered, [registered]);
    assert.deepEqual(
      [event?.type, event?.merchantId, event?.data.id],
      ['terminal.registered', 'mer_1', 'trm_1'],
    );
    assert.doesNotMatch(JSON.stringify(event), /key_secretive|credentialId/);
    const heartbeat = recordedEvent('terminal-trm_1', 'TerminalHealthReported', { previousAttributes: {} });
    assert.equal(publicEventCatalogue.toPublicEvent(heartbeat, [registered, heartbeat]), null);
  });

  it('announces attestation verdicts with their reasons, never the evidence or the challenge', () => {
    const base = {
      terminalId: 'trm_1',
      merchantId: 'mer_1',
      challengeId: 'chl_1',
      verifiedAt: '2026-01-15T10:00:00.000Z',
    };
    const failed = recordedEvent('terminal_attestation-trm_1', 'TerminalAttestationFailed', {
      ...base,
      reasons: [{ code: 'device_unlocked', message: 'the bootloader is unlocked' }],
      facts: { leafSerial: 'abc123' },
    });
    const attested = recordedEvent('terminal_attestation-trm_1', 'TerminalAttested', {
      ...base,
      expiresAt: '2026-01-15T11:00:00.000Z',
      facts: { leafSerial: 'abc123' },
    });
    const issued = recordedEvent('terminal_attestation-trm_1', 'TerminalAttestationChallengeIssued', {
      ...base,
      challenge: 'c2VjcmV0Y2hhbGxlbmdl',
      issuedAt: base.verifiedAt,
      expiresAt: '2026-01-15T10:05:00.000Z',
    });
    const untrusted = publicEventCatalogue.toPublicEvent(failed, []);
    assert.deepEqual(
      [untrusted?.type, untrusted?.merchantId, untrusted?.data.trusted, untrusted?.data.reasons],
      [
        'terminal.attestation_failed',
        'mer_1',
        false,
        [{ code: 'device_unlocked', message: 'the bootloader is unlocked' }],
      ],
    );
    const trusted = publicEventCatalogue.toPublicEvent(attested, []);
    assert.deepEqual(
      [trusted?.type, trusted?.data.trusted, trusted?.data.expiresAt],
      ['terminal.attested', true, '2026-01-15T11:00:00.000Z'],
    );
    assert.doesNotMatch(JSON.stringify([untrusted, trusted]), /abc123|leafSerial|chl_1/);
    assert.equal(publicEventCatalogue.handles(issued.type), false);
  });

  it('announces the charge milestones, not each meter reading', () => {
    const types = publicEventCatalogue.publicTypes().filter((type) => type.startsWith('charge.'));
    assert.ok(types.includes('charge.completed'));
    assert.equal(publicEventCatalogue.handles('ChargeSessionProgressRecorded'), false);
  });
});
