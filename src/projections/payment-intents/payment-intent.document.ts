import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export interface PaymentIntentPaymentMethodView {
  type: 'card_present' | 'edenred';
  cardPresent?: { scheme: string; last4: string; authorizationCode: string; rrn: string };
}

/** The payment intent read model: the API resource plus `_id`. */
export interface PaymentIntentDocument extends StoredDocument {
  id: string;
  object: 'payment_intent';
  status:
    | 'requires_authorization'
    | 'authorized'
    | 'capture_pending'
    | 'captured'
    | 'voided'
    | 'authorization_failed'
    | 'capture_failed'
    | 'expired';
  amount: number;
  currency: string;
  amountAuthorized: number;
  amountCaptured: number;
  amountReleased: number;
  paymentMethod: PaymentIntentPaymentMethodView;
  lastAuthorizationError: { declineCode: string; message: string } | null;
  terminalId: string | null;
  merchantId: string;
  chargeId: string | null;
  metadata: Record<string, string>;
  cancellationReason: string | null;
  createdAt: string;
  updatedAt: string;
  authorizedAt: string | null;
  capturedAt: string | null;
  voidedAt: string | null;
  expiresAt: string | null;
  version: number;
}
