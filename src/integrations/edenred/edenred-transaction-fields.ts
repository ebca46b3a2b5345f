import { createHmac } from 'node:crypto';

/** Turkey keeps UTC+3 all year (no daylight saving since September 2016). */
const TURKEY_OFFSET_MS = 3 * 60 * 60 * 1000;

/**
 * `tstamp`: Turkey's wall-clock date and time in the guide's example shape, `YYYY-MM-DDTHH:mm:ssZ`, i.e.
 * the digits are GMT+3 and the trailing `Z` is kept as Edenred's example writes it (decision 0029 says why).
 */
export const turkeyTimestamp = (at: Date): string =>
  `${new Date(at.getTime() + TURKEY_OFFSET_MS).toISOString().slice(0, 19)}Z`;

/** The four configured fields of `extra_field`, before the hash. */
export interface ExtraFieldParts {
  batchNo: string;
  serviceId: string;
  terminalNo: string;
  transactionSource: string;
}

/** The guide does not give the hash's rule: it is configurable; this is the default. */
export type ExtraFieldHash = (parts: ExtraFieldParts) => string;

const joined = (parts: ExtraFieldParts): string =>
  [parts.batchNo, parts.serviceId, parts.terminalNo, parts.transactionSource].join('|');

/** HMAC-SHA256, lower-case hex, over `BatchNo|ServiceId|TerminalNo|TransactionSource` with the merchant secret. */
export const hmacSha256ExtraFieldHash =
  (merchantSecret: string): ExtraFieldHash =>
  (parts) =>
    createHmac('sha256', merchantSecret).update(joined(parts), 'utf8').digest('hex');

/** `BatchNo|ServiceId|TerminalNo|TransactionSource|Hash`. */
export const extraField = (parts: ExtraFieldParts, hash: ExtraFieldHash): string =>
  `${joined(parts)}|${hash(parts)}`;
