import type { StoredDocument } from '../../infrastructure/read-store/read-store';

export interface PaymentIntentPaymentMethodView {
  type: 'card_present' | 'edenred';
  cardPresent?: { scheme: string; last4: string; authorizationCode: string; rrn: string };
}

/** An Edenred intent's capture, as the merchant sees it: never a token, never the Edenred username. */
export interface PaymentIntentEdenredView {
  linkId: string;
  /** Once taken from the counter, before the first call to Edenred. */
  orderRef: number | null;
  /** Edenred's answer (SUCCESS, PARTIAL_AUTH) or error code (INADEQUATE_BALANCE, ...), once known. */
  code: string | null;
  /** The reason a merchant can show for a failed capture. */
  failureReason: string | null;
  /** What the driver still owes: the part Edenred did not capture (a partial or failed capture). */
  amountOwed: number;
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
  /** Edenred intents only. */
  edenred?: PaymentIntentEdenredView;
  version: number;
}
