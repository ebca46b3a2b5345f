import { EdenredError, type EdenredErrorClass } from './edenred-port';

/**
 * The one table of Edenred answers: every (HTTP status, code) of the guide's "Mapped status codes", the
 * OAuth errors of `/connect/token`, and the failures that carry no code (timeouts, network, bare 429/5xx).
 * Callers decide by class; the reason is what a merchant may be shown. Why each class: decision 0029.
 */
export interface EdenredErrorRow {
  httpStatus: number;
  code: string;
  errorClass: EdenredErrorClass;
  reason: string;
}

const row = (httpStatus: number, code: string, errorClass: EdenredErrorClass, reason: string) => ({
  httpStatus,
  code,
  errorClass,
  reason,
});

/** The guide's 200 rows: not errors; what `POST /v2/transactions` may answer in `meta.messages`. */
export const EDENRED_SUCCESS_CODES: readonly string[] = [
  'SUCCESS',
  'OK',
  'AUTH',
  'AUTH_PENDING',
  'PARTIAL_AUTH',
];

const SETUP = 'The Edenred merchant set-up is rejected; the operator has been alerted.';
const LOG_IN_AGAIN = 'The Edenred account must be linked again (the user logs in again).';
const LATER = 'Edenred is temporarily unavailable; the payment will be retried.';

export const EDENRED_ERROR_TABLE: readonly EdenredErrorRow[] = [
  row(400, 'BAD_REQUEST', 'configuration', 'Edenred rejected the request as malformed.'),
  row(400, 'MEMBER_WORKPLACE_NOT_FOUND', 'declined', "The cardholder's workplace is not known to Edenred."),
  row(
    400,
    'MEMBER_WORKPLACE_CANNOT_BE_EMPTY',
    'declined',
    "The cardholder's workplace is missing at Edenred.",
  ),
  row(400, 'MEMBER_PRODUCT_LIST_NOT_FOUND', 'declined', "The cardholder's account has no usable product."),
  row(400, 'TERMINAL_NOT_FOUND', 'configuration', SETUP),
  row(400, 'TERMINAL_NO_CANNOT_BE_BLANK', 'configuration', SETUP),
  row(400, 'TERMINAL_PRODUCT_LIST_NOT_FOUND', 'configuration', SETUP),
  row(400, 'DEVICE_SERIAL_NUMBER_ERROR', 'configuration', SETUP),
  row(400, 'TERMINAL_NOT_ACTIVE', 'configuration', SETUP),
  row(400, 'TERMINAL_HANGING', 'retry_later', LATER),
  row(400, 'TERMINAL_NON_CONTACT_PROCESS_NOT_FOUND', 'configuration', SETUP),
  row(400, 'TERMINAL_WORK_PRM_NOT_FOUND', 'configuration', SETUP),
  row(400, 'SERVICE_LIST_NOT_FOUND', 'configuration', SETUP),
  row(400, 'NOT_DEFINED_FOR_SERVICE_TERMINAL', 'configuration', SETUP),
  row(400, 'NO_SALES_PERMISSIONS_FOR_TERMINAL_AND_SERVICE', 'configuration', SETUP),
  row(400, 'CARD_NOT_FOUND', 'declined', 'No Edenred card was found for this account.'),
  row(400, 'CARD_TEMPORARY_BLOCKED', 'declined', 'The Edenred card is temporarily blocked.'),
  row(400, 'CARD_IS_DISABLED', 'declined', 'The Edenred card is disabled.'),
  row(400, 'EXPIRED_DATE_OF_EXPIRED', 'declined', 'The Edenred card has expired.'),
  row(400, 'CARD_PRM_ERROR_DAYS', 'declined', 'The Edenred card cannot be used on this day.'),
  row(400, 'CARD_PRM_FAULT_HOUR', 'declined', 'The Edenred card cannot be used at this hour.'),
  row(400, 'CARD_CANNOT_BE_USED_AT_THIS_HOUR', 'declined', 'The Edenred card cannot be used at this hour.'),
  row(400, 'CARD_PRM_ERROR', 'declined', "The payment is outside the Edenred card's usage rules."),
  row(
    400,
    'CARD_DAILY_OPERATION_NUMBER_EXCEEDED',
    'declined',
    "The card's daily number of payments is reached.",
  ),
  row(400, 'DAILY_TRANSACTION_AMOUNT_EXCEEDED', 'declined', "The card's daily spending limit is reached."),
  row(400, 'CARD_IS_CLOSED_FOR_SALE', 'declined', 'The Edenred card is closed for payments.'),
  row(400, 'CARD_DAILY_TRADING_LIMIT_EXCEEDED', 'declined', "The card's daily spending limit is reached."),
  row(400, 'INADEQUATE_BALANCE', 'declined', 'The Edenred balance is not enough for this payment.'),
  row(400, 'TRANSACTION_FAILED', 'declined', 'Edenred declined the payment.'),
  row(
    400,
    'TRANSACTION_DETAILS_INCOMPATIBLE',
    'configuration',
    'Edenred found the payment details inconsistent.',
  ),
  row(400, 'ACTION_NOT_FOUND', 'configuration', SETUP),
  row(400, 'TRY_AGAIN', 'retry_later', LATER),
  row(400, 'NO_PROCESS_THAT_CAN_BE_ROLLBACKED', 'configuration', 'Edenred has nothing to cancel.'),
  row(400, 'CANCELLATION_FAILED', 'configuration', 'Edenred could not cancel the payment.'),
  row(400, 'CANCELLATION_NOT_AVAILABLE', 'configuration', 'Edenred cancellations are not available.'),
  row(400, 'DAILY_TRADING_NUMBER_ERROR', 'declined', "The card's daily number of payments is reached."),
  row(400, 'TRANSACTION_HAS_NOT_BEEN_APPROVED', 'declined', 'Edenred did not approve the payment.'),
  row(400, 'TERMINAL_TIME_ERROR', 'configuration', "Edenred rejected the payment's time stamp."),
  row(400, 'REPEATING_REQUEST', 'ambiguous', 'Edenred has seen this payment reference before.'),
  row(400, 'TERMINAL_MUST_DO_AT_THE_END_OF_THE_DAY', 'retry_later', LATER),
  row(400, 'SALES_CANNOT_BE_CANCELLED', 'configuration', 'Edenred cannot cancel this payment.'),
  row(400, 'SALES_CANNOT_BE_APPROVED', 'declined', 'Edenred cannot approve the payment.'),
  row(
    400,
    'SALES_ALREADY_APPROVED',
    'ambiguous',
    'Edenred has already approved a payment with this reference.',
  ),
  row(400, 'INVALID_SALE_REQUEST', 'configuration', 'Edenred rejected the payment request.'),
  row(400, 'CARD_CONTACT_OFF_FOR_SALE', 'declined', 'The Edenred card is closed for this kind of payment.'),
  row(400, 'CONTACTLESS_SALES_AMOUNT_EXCEEDED', 'declined', "The card's contactless limit is reached."),
  row(
    400,
    'CONTACTLESS_SALES_PERMISSION_HAS_BEEN_EXCEEDED',
    'declined',
    "The card's contactless limit is reached.",
  ),
  row(400, 'INVALID_VERIFICATION_CODE', 'reauthenticate', LOG_IN_AGAIN),
  row(400, 'EMPTY_AUTHORIZATION_TOKEN', 'reauthenticate', LOG_IN_AGAIN),
  row(400, 'INVALID_SEARCH_PERIOD', 'configuration', 'Edenred rejected the search period.'),
  row(400, 'DECLINED', 'declined', 'Edenred declined the payment.'),
  row(400, 'INVALID_REQUEST', 'configuration', SETUP),
  row(400, 'CARD_NOT_ACTIVE', 'declined', 'The account has no active Edenred card.'),
  row(400, 'INVALID_AMOUNT', 'declined', 'The amount is not accepted by Edenred (balance or limits).'),
  row(400, 'INVALID_MERCHANT', 'configuration', SETUP),
  row(400, 'INVALID_VOUCHER', 'declined', 'The Edenred voucher is not valid.'),
  row(400, 'LIMIT_EXCEEDED', 'declined', "The amount exceeds the card's limit."),
  row(400, 'LOCKOUT', 'declined', 'The Edenred card is locked (too many PIN tries).'),
  row(400, 'PARTIAL_REVERSALS_NOT_ALLOWED', 'configuration', 'Edenred does not allow partial refunds.'),
  row(400, 'TEMPORARY_HOLD', 'retry_later', LATER),
  row(400, 'TRANSACTION_DUPLICATED', 'ambiguous', 'Edenred already holds a payment with this reference.'),
  row(400, 'TRANSACTION_NOT_AUTHORISED', 'declined', 'Edenred did not authorize the payment.'),
  row(
    400,
    'TRANSACTION_STATUS_MUST_BE_AUTHORIZED',
    'configuration',
    'The Edenred payment is not in a state for this.',
  ),
  row(
    400,
    'TRANSACTION_STATUS_MUST_BE_CAPTURED',
    'configuration',
    'The Edenred payment is not in a state for this.',
  ),
  row(401, 'INVALID_TOKEN', 'reauthenticate', LOG_IN_AGAIN),
  row(401, 'UNAUTHORIZED', 'reauthenticate', LOG_IN_AGAIN),
  row(401, 'USER_INACTIVE', 'reauthenticate', 'The Edenred account is inactive.'),
  row(401, 'INVALID_TOKEN_ISSUER', 'reauthenticate', LOG_IN_AGAIN),
  row(403, 'FORBIDDEN', 'configuration', SETUP),
  row(404, 'TRANSACTION_NOT_FOUND', 'configuration', 'Edenred has no such payment.'),
  row(404, 'ORIGIN_TRANSACTION_ID_NOT_FOUND', 'configuration', 'Edenred has no such payment.'),
  row(404, 'NOT_FOUND', 'configuration', 'Edenred has no such payment.'),
  row(405, 'METHOD_NOT_ALLOWED', 'configuration', SETUP),
  row(406, 'NOT_ACCEPTABLE', 'configuration', SETUP),
  row(
    412,
    'PRECONDITION_FAILED',
    'declined',
    'The Edenred account cannot pay now (for example, no active card).',
  ),
  row(415, 'UNSUPPORTED_MEDIA_TYPE', 'configuration', SETUP),
  row(429, 'TOO_MANY_REQUEST', 'retry_later', LATER),
  row(500, 'CARD_NOT_AVAILABLE_TODAY', 'declined', 'The Edenred card is not available today.'),
  row(500, 'INTERNAL_ERROR', 'retry_later', LATER),
  row(
    500,
    'TRANSACTION_MUST_BE_AUTHORIZED',
    'configuration',
    'The Edenred payment is not in a state for this.',
  ),
  row(501, 'NOT_IMPLEMENTED', 'configuration', SETUP),
  row(502, 'BAD_GATEWAY', 'retry_later', LATER),
  // RFC 6749 section 5.2: the token endpoint's own errors (the guide does not list them).
  row(400, 'invalid_grant', 'reauthenticate', LOG_IN_AGAIN),
  row(400, 'invalid_request', 'configuration', SETUP),
  row(400, 'invalid_scope', 'configuration', SETUP),
  row(400, 'unauthorized_client', 'configuration', SETUP),
  row(400, 'unsupported_grant_type', 'configuration', SETUP),
  row(400, 'invalid_client', 'configuration', SETUP),
  row(401, 'invalid_client', 'configuration', SETUP),
];

/** Failures that carry no Edenred code: transport, and answers that are not the documented shape. */
export const FAILURES_WITHOUT_CODE = {
  TIMEOUT: {
    errorClass: 'retry_later',
    reason: 'Edenred did not answer in time; the payment will be retried.',
  },
  NETWORK: {
    errorClass: 'retry_later',
    reason: 'Edenred could not be reached; the payment will be retried.',
  },
  /** A payment answer that is not the documented one: it may have been captured. */
  UNEXPECTED_ANSWER: {
    errorClass: 'ambiguous',
    reason: 'Edenred answered the payment in an unexpected form.',
  },
  /** A balance, estimate or lookup answer that is not the documented one. */
  UNEXPECTED_READ_ANSWER: { errorClass: 'retry_later', reason: LATER },
  /** A token answer without tokens or without the id_token's user id (often: `openid` missing from the scopes). */
  UNEXPECTED_TOKEN_ANSWER: { errorClass: 'configuration', reason: SETUP },
  /** Our own request broke a rule of the guide (order_ref range, amount): never sent. */
  REQUEST_REJECTED_LOCALLY: { errorClass: 'configuration', reason: SETUP },
  /** findTransaction without a lookup endpoint (EDENRED_TRANSACTION_LOOKUP=false): still unknown. */
  TRANSACTION_LOOKUP_UNAVAILABLE: {
    errorClass: 'ambiguous',
    reason: 'Edenred offers no payment lookup; resend the same order_ref to find out.',
  },
} as const satisfies Record<string, { errorClass: EdenredErrorClass; reason: string }>;

const byStatusAndCode = new Map(
  EDENRED_ERROR_TABLE.map((entry) => [`${entry.httpStatus} ${entry.code}`, entry]),
);
const byCode = new Map<string, EdenredErrorRow>();
for (const entry of EDENRED_ERROR_TABLE) if (!byCode.has(entry.code)) byCode.set(entry.code, entry);

const classOfBareStatus = (httpStatus: number): EdenredErrorClass => {
  if (httpStatus === 429 || httpStatus >= 500) return 'retry_later';
  if (httpStatus === 401) return 'reauthenticate';
  return 'configuration';
};

/** The table's row for an answer; a known code under another status keeps its class; else by status. */
export const edenredErrorRowFor = (httpStatus: number, code: string | null): EdenredErrorRow => {
  const known =
    code === null ? undefined : (byStatusAndCode.get(`${httpStatus} ${code}`) ?? byCode.get(code));
  if (known) return { ...known, httpStatus };
  const errorClass = classOfBareStatus(httpStatus);
  return {
    httpStatus,
    code: code ?? `HTTP_${httpStatus}`,
    errorClass,
    reason: errorClass === 'retry_later' ? LATER : errorClass === 'reauthenticate' ? LOG_IN_AGAIN : SETUP,
  };
};

export const edenredErrorFor = (httpStatus: number, code: string | null): EdenredError => {
  const entry = edenredErrorRowFor(httpStatus, code);
  return new EdenredError(entry.errorClass, entry.code, entry.reason, httpStatus);
};

export const failureWithoutCode = (kind: keyof typeof FAILURES_WITHOUT_CODE): EdenredError => {
  const failure = FAILURES_WITHOUT_CODE[kind];
  return new EdenredError(failure.errorClass, kind, failure.reason, null);
};
