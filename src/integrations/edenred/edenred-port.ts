/**
 * The contract between the Edenred flow (wallet links, payment intents paid with Edenred, the auto-capture
 * worker) and the Edenred Direct Payment client (Turkey). Amounts are kuruş (integer minor units), as in
 * Edenred's API. Every call that fails throws an `EdenredError` carrying its classification from the one
 * error-code table (`edenred-error-codes.ts`), so callers decide by class, never by parsing messages.
 */
export interface EdenredTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string | null;
  /** ISO 8601 UTC. */
  accessTokenExpiresAt: string;
  /** Edenred's user id (from the id_token), the `{username}` of the Direct Payment API. */
  username: string;
}

export interface EdenredBalance {
  availableAmount: number;
  productClass: string | null;
  currency: 'TRY';
}

export interface EdenredEstimate {
  /** What can be spent now: the requested amount when covered, else the available amount. */
  availableAmount: number;
  currency: 'TRY';
}

export interface EdenredTransactionRequest {
  accessToken: string;
  amount: number;
  /** Numeric, strictly increasing, below 2,147,483,647; allocated (as an event) before the call. */
  orderRef: number;
  /** The call's time; the client writes it in Turkey's time (GMT+3) as Edenred asks. */
  at: Date;
  /** Our payment intent id: the client's logs and the simulator's duplicate check use it, Edenred does not. */
  paymentIntentId: string;
}

export interface EdenredTransactionResult {
  status: 'captured' | 'authorized' | 'pending';
  /** `SUCCESS`, `AUTH`, `PARTIAL_AUTH`, `AUTH_PENDING`, ... */
  code: string;
  authorizationId: string;
  authorizedAmount: number;
  captureId: string | null;
  capturedAmount: number;
}

export type EdenredErrorClass =
  /** 429, 5xx, timeouts, TRY_AGAIN, TEMPORARY_HOLD: the same call later, same order_ref. */
  | 'retry_later'
  /** INVALID_TOKEN, UNAUTHORIZED, USER_INACTIVE, ...: the user must log in again (after one refresh try). */
  | 'reauthenticate'
  /** INADEQUATE_BALANCE, DAILY_TRANSACTION_AMOUNT_EXCEEDED, CARD_*, ...: final, with a reason to show. */
  | 'declined'
  /** TRANSACTION_DUPLICATED, REPEATING_REQUEST: Edenred may already hold this order_ref; find out, never charge twice. */
  | 'ambiguous'
  /** Our configuration or request is wrong (INVALID_MERCHANT, TERMINAL_NOT_FOUND, BAD_REQUEST, ...): final, alert the operator. */
  | 'configuration';

export class EdenredError extends Error {
  override readonly name = 'EdenredError';
  constructor(
    readonly errorClass: EdenredErrorClass,
    /** Edenred's code, or `HTTP_<status>` / `TIMEOUT` / `NETWORK` when there was none. */
    readonly code: string,
    /** A reason a merchant can show, never a token or a secret. */
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

export interface EdenredClient {
  /** Where to send the user to log in (password + OTP); `state` comes back on our callback. */
  authorizationUrl(input: { state: string; redirectUri: string }): string;
  /** Single use: a failed exchange means the user must log in again. */
  exchangeCode(input: { code: string; redirectUri: string }): Promise<EdenredTokens>;
  refresh(refreshToken: string): Promise<EdenredTokens>;
  /** Ends the Edenred session: every token of the link becomes invalid. */
  endSession(input: { idToken: string; postLogoutRedirectUri: string }): Promise<void>;
  balance(input: { accessToken: string; username: string }): Promise<EdenredBalance>;
  estimateCharge(input: { accessToken: string; username: string; amount: number }): Promise<EdenredEstimate>;
  /** Authorize and capture in one call (`capture_mode: "auto"`). */
  createTransaction(request: EdenredTransactionRequest): Promise<EdenredTransactionResult>;
  /**
   * After an ambiguous answer or a timeout: what Edenred holds for this order_ref (captured), if anything.
   * It is `GET /v2/transactions?order_ref=`, which our simulator serves and Edenred's guide does not
   * document: with EDENRED_TRANSACTION_LOOKUP off (the default) the HTTP client throws
   * TRANSACTION_LOOKUP_UNAVAILABLE (retry later) rather than guess; it never probes by re-sending.
   */
  findTransaction(input: {
    accessToken: string;
    orderRef: number;
  }): Promise<EdenredTransactionResult | undefined>;
}
