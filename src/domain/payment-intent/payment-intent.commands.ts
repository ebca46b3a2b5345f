import type { Currency } from '../shared/money';
import type { EdenredFailureClass, PaymentMethod, PaymentMethodType } from './payment-intent.events';

/** Every command carries the time it is decided at; deciders never read a clock. */
interface CommandBase {
  now: string;
}

export interface CreatePaymentIntent extends CommandBase {
  type: 'CreatePaymentIntent';
  paymentIntentId: string;
  merchantId: string;
  terminalId: string | null;
  amount: number;
  currency: Currency;
  paymentMethodType: PaymentMethodType;
  metadata: Record<string, string>;
  /** Required for edenred; the service checked it is the merchant's and linked. */
  edenredLinkId?: string;
}

export interface AuthorizePaymentIntent extends CommandBase {
  type: 'AuthorizePaymentIntent';
  amount: number;
  paymentMethod: PaymentMethod;
  /** Absent when the issuer approved; present when the terminal reports a decline. */
  decline?: { code: string; message: string };
  authorizationTtlMs: number;
}

export interface CapturePaymentIntent extends CommandBase {
  type: 'CapturePaymentIntent';
  /** Defaults to everything authorized. */
  amount?: number;
  /** Set by a charge's settlement: only that charge may capture, and a repeat for it is a no-op. */
  chargeId?: string;
}

export interface VoidPaymentIntent extends CommandBase {
  type: 'VoidPaymentIntent';
  reason: string;
  /** As for capture: the linked charge's settlement; a repeat for it is a no-op. */
  chargeId?: string;
}

/** A charge takes the authorization: one charge per intent, from its start to its settlement. */
export interface LinkPaymentIntentToCharge extends CommandBase {
  type: 'LinkPaymentIntentToCharge';
  chargeId: string;
  currency: Currency;
  /** The tariff's pre-authorization requirement (OCPI 2.3.0 preauthorize_amount), minor units. */
  minimumAuthorized: number;
}

export interface ExpirePaymentIntent extends CommandBase {
  type: 'ExpirePaymentIntent';
}

/** The Edenred capture worker, before its first call: the order_ref the counter gave it (a repeat keeps the first). */
export interface AssignEdenredOrderRef extends CommandBase {
  type: 'AssignEdenredOrderRef';
  orderRef: number;
  /** Replaces this one, which Edenred refused as repeated and holds nothing under (decision 0030). */
  replacing?: number;
}

/** The worker, once a capture has been pending longer than the bound: hand it to an operator (once). */
export interface FlagEdenredCaptureForAttention extends CommandBase {
  type: 'FlagEdenredCaptureForAttention';
  code: string;
  reason: string;
}

/** What Edenred answered to the capture (or to the lookup after an ambiguous answer). */
export interface RecordEdenredCapture extends CommandBase {
  type: 'RecordEdenredCapture';
  code: string;
  authorizationId: string;
  captureId: string | null;
  capturedAmount: number;
}

export interface RecordEdenredCaptureFailure extends CommandBase {
  type: 'RecordEdenredCaptureFailure';
  errorClass: EdenredFailureClass;
  code: string;
  reason: string;
}

export type PaymentIntentCommand =
  | AssignEdenredOrderRef
  | FlagEdenredCaptureForAttention
  | RecordEdenredCapture
  | RecordEdenredCaptureFailure
  | CreatePaymentIntent
  | AuthorizePaymentIntent
  | CapturePaymentIntent
  | VoidPaymentIntent
  | ExpirePaymentIntent
  | LinkPaymentIntentToCharge;
