import { timingSafeEqual } from 'node:crypto';
import { extraField, hmacSha256ExtraFieldHash, type ExtraFieldParts } from '../edenred-transaction-fields';

/** What the simulated merchant set-up expects of a payment request. */
export interface PaymentRequestExpectations {
  mid: string;
  batchNo: string;
  serviceId: string;
  terminalNo: string;
  transactionSource: string;
  hashSecret: string;
  /** How far a tstamp (read as Turkey's time) may be from now. */
  tstampToleranceMs: number;
}

const TURKEY_OFFSET_MS = 3 * 60 * 60 * 1000;
const MAX_ORDER_REF = 2_147_483_646;
const TSTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const sameText = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Why the simulator refuses a POST /v2/transactions body before it reaches the ledger (so it consumes no
 * order_ref), or undefined. The tstamp's digits are read as Turkey's time (decision 0029).
 */
export const paymentRequestRejection = (
  body: Record<string, unknown>,
  expected: PaymentRequestExpectations,
  now: Date,
): { httpStatus: number; code: string } | undefined => {
  const { mid, amount, security_level, capture_mode, order_ref, tstamp, currency } = body;
  const bad = (code: string) => ({ httpStatus: 400, code });
  if (typeof mid !== 'string' || typeof order_ref !== 'string' || typeof tstamp !== 'string') {
    return bad('BAD_REQUEST');
  }
  if (!Number.isSafeInteger(amount)) return bad('BAD_REQUEST');
  if ((amount as number) < 1) return bad('INVALID_AMOUNT');
  if (currency !== 'TRY') return bad('BAD_REQUEST');
  if (!/^\d{1,10}$/.test(order_ref) || Number(order_ref) < 1 || Number(order_ref) > MAX_ORDER_REF) {
    return bad('BAD_REQUEST');
  }
  if (!sameText(mid, expected.mid)) return bad('INVALID_MERCHANT');
  if (security_level !== 'standard' || capture_mode !== 'auto') return bad('INVALID_REQUEST');
  const extraFieldCode = extraFieldRejection(body.extra_field, expected);
  if (extraFieldCode) return bad(extraFieldCode);
  if (!TSTAMP.test(tstamp)) return bad('BAD_REQUEST');
  const instant = Date.parse(tstamp) - TURKEY_OFFSET_MS;
  if (Math.abs(instant - now.getTime()) > expected.tstampToleranceMs) return bad('TERMINAL_TIME_ERROR');
  return undefined;
};

const extraFieldRejection = (value: unknown, expected: PaymentRequestExpectations): string | undefined => {
  const parts = typeof value === 'string' ? value.split('|') : [];
  if (parts.length !== 5) return 'BAD_REQUEST';
  const [, serviceId, terminalNo] = parts as [string, string, string, string, string];
  if (!sameText(terminalNo, expected.terminalNo)) return 'TERMINAL_NOT_FOUND';
  if (!sameText(serviceId, expected.serviceId)) return 'NOT_DEFINED_FOR_SERVICE_TERMINAL';
  const configured: ExtraFieldParts = {
    batchNo: expected.batchNo,
    serviceId: expected.serviceId,
    terminalNo: expected.terminalNo,
    transactionSource: expected.transactionSource,
  };
  if (!sameText(value as string, extraField(configured, hmacSha256ExtraFieldHash(expected.hashSecret)))) {
    return 'INVALID_SALE_REQUEST';
  }
  return undefined;
};
