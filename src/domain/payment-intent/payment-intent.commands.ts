import type { Currency } from '../shared/money';
import type { PaymentMethod, PaymentMethodType } from './payment-intent.events';

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
}

export interface VoidPaymentIntent extends CommandBase {
  type: 'VoidPaymentIntent';
  reason: string;
}

export interface ExpirePaymentIntent extends CommandBase {
  type: 'ExpirePaymentIntent';
}

export type PaymentIntentCommand =
  | CreatePaymentIntent
  | AuthorizePaymentIntent
  | CapturePaymentIntent
  | VoidPaymentIntent
  | ExpirePaymentIntent;
