import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../infrastructure/clock';
import { silentLogger, type Logger } from '../../infrastructure/logging/logger';
import type { EdenredConfig } from './edenred-config';
import { EDENRED_SUCCESS_CODES, failureWithoutCode } from './edenred-error-codes';
import { directPaymentCodeOf, edenredCall, oauthCodeOf, type EdenredCall } from './edenred-http-call';
import { unverifiedIdTokenClaims } from './edenred-id-token';
import type { EdenredClient, EdenredTokens, EdenredTransactionResult } from './edenred-port';
import {
  extraField,
  hmacSha256ExtraFieldHash,
  turkeyTimestamp,
  type ExtraFieldHash,
} from './edenred-transaction-fields';

export interface EdenredClientDeps {
  logger?: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** The extra_field hash; HMAC-SHA256 with EDENRED_HASH_SECRET by default. */
  extraFieldHash?: ExtraFieldHash;
}

/** The guide's bound: order_ref "should be inferior to 2 147 483 647". */
export const MAX_ORDER_REF = 2_147_483_646;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isAmount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const dataOf = (body: unknown): Record<string, unknown> | undefined =>
  isRecord(body) && isRecord(body.data) ? body.data : undefined;
/** Ids are strings in the guide's example; a number is taken as its digits. */
const idOf = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : Number.isSafeInteger(value) ? String(value) : null;
const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

const TRANSACTION_STATUSES = ['captured', 'authorized', 'pending'] as const;

/** A Direct Payment transaction answer, or undefined when it is not the documented shape. */
const transactionResultOf = (body: unknown, requested?: number): EdenredTransactionResult | undefined => {
  const data = dataOf(body);
  if (!data) return undefined;
  const { status, authorization_id, authorized_amount, capture_id, captured_amount } = data;
  const known = TRANSACTION_STATUSES.find((candidate) => candidate === status);
  const authorizationId = idOf(authorization_id);
  if (!known || authorizationId === null || !isAmount(authorized_amount)) return undefined;
  const capturedAmount = captured_amount === undefined || captured_amount === null ? 0 : captured_amount;
  if (!isAmount(capturedAmount) || capturedAmount > authorized_amount) return undefined;
  if (requested !== undefined && authorized_amount > requested) return undefined;
  const announced = directPaymentCodeOf(body);
  const code =
    announced && EDENRED_SUCCESS_CODES.includes(announced)
      ? announced
      : requested !== undefined && authorized_amount < requested
        ? 'PARTIAL_AUTH'
        : 'SUCCESS';
  return {
    status: known,
    code,
    authorizationId,
    authorizedAmount: authorized_amount,
    captureId: idOf(capture_id),
    capturedAmount,
  };
};

/** The Edenred Direct Payment client (Turkey) over HTTP, as the guide documents it; decision 0029. */
export const httpEdenredClient = (config: EdenredConfig, deps: EdenredClientDeps = {}): EdenredClient => {
  const authUrl = withoutTrailingSlash(config.EDENRED_AUTH_URL);
  const apiUrl = withoutTrailingSlash(config.EDENRED_API_URL);
  const clock = deps.clock ?? systemClock;
  const hash = deps.extraFieldHash ?? hmacSha256ExtraFieldHash(config.EDENRED_HASH_SECRET);
  const transport = {
    logger: deps.logger ?? silentLogger(),
    fetch: deps.fetch ?? globalThis.fetch,
    sleep: deps.sleep ?? ((ms: number) => sleep(ms).then(() => undefined)),
    retryBaseMs: config.EDENRED_RETRY_BASE_MS,
  };
  const call = (input: Omit<EdenredCall, 'timeoutMs'> & { timeoutMs?: number }) =>
    edenredCall({ timeoutMs: config.EDENRED_TIMEOUT_MS, ...input }, transport);

  const paymentHeaders = (accessToken: string) => ({
    authorization: `Bearer ${accessToken}`,
    'x-client-id': config.EDENRED_PAYMENT_CLIENT_ID,
    'x-client-secret': config.EDENRED_PAYMENT_CLIENT_SECRET,
  });
  const userPath = (username: string) => `${apiUrl}/v2/users/${encodeURIComponent(username)}`;

  const tokenCall = async (operation: string, form: Record<string, string>): Promise<EdenredTokens> => {
    const answer = await call({
      operation,
      method: 'POST',
      url: `${authUrl}/connect/token`,
      headers: {},
      body: {
        form: { ...form, client_id: config.EDENRED_CLIENT_ID, client_secret: config.EDENRED_CLIENT_SECRET },
      },
      // A code is burned by its first use and a refresh token may be rotated: never repeat.
      retries: 0,
      codeOf: oauthCodeOf,
    });
    const body = isRecord(answer.body) ? answer.body : {};
    const { access_token, refresh_token, id_token, expires_in } = body;
    const claims = typeof id_token === 'string' ? unverifiedIdTokenClaims(id_token) : undefined;
    const username = claims?.[config.EDENRED_USERNAME_CLAIM];
    if (
      typeof access_token !== 'string' ||
      typeof refresh_token !== 'string' ||
      typeof id_token !== 'string' ||
      typeof expires_in !== 'number' ||
      !(expires_in > 0) ||
      typeof username !== 'string' ||
      username === ''
    ) {
      throw failureWithoutCode('UNEXPECTED_TOKEN_ANSWER');
    }
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      idToken: id_token,
      accessTokenExpiresAt: new Date(clock.now().getTime() + expires_in * 1000).toISOString(),
      username,
    };
  };

  return {
    authorizationUrl({ state, redirectUri }) {
      const query = new URLSearchParams({
        client_id: config.EDENRED_CLIENT_ID,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: config.EDENRED_SCOPES,
        state,
      });
      return `${authUrl}/connect/authorize?${query.toString()}`;
    },

    exchangeCode({ code, redirectUri }) {
      return tokenCall('token.authorization_code', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
      });
    },

    refresh(refreshToken) {
      return tokenCall('token.refresh', { grant_type: 'refresh_token', refresh_token: refreshToken });
    },

    async endSession({ idToken, postLogoutRedirectUri }) {
      const query = new URLSearchParams({
        id_token_hint: idToken,
        post_logout_redirect_uri: postLogoutRedirectUri,
      });
      // Ending a session twice ends it once: safe to repeat. The redirect it answers is not followed.
      await call({
        operation: 'endsession',
        method: 'GET',
        url: `${authUrl}/connect/endsession?${query.toString()}`,
        headers: {},
        retries: config.EDENRED_RETRY_ATTEMPTS,
        codeOf: oauthCodeOf,
      });
    },

    async balance({ accessToken, username }) {
      const answer = await call({
        operation: 'balances',
        method: 'GET',
        url: `${userPath(username)}/balances`,
        headers: paymentHeaders(accessToken),
        retries: config.EDENRED_RETRY_ATTEMPTS,
        codeOf: directPaymentCodeOf,
      });
      const data = dataOf(answer.body);
      if (!data || !isAmount(data.available_amount) || data.currency !== 'TRY') {
        throw failureWithoutCode('UNEXPECTED_READ_ANSWER');
      }
      return {
        availableAmount: data.available_amount,
        productClass: typeof data.product_class === 'string' ? data.product_class : null,
        currency: 'TRY',
      };
    },

    async estimateCharge({ accessToken, username, amount }) {
      // Estimating changes nothing at Edenred: safe to repeat.
      const answer = await call({
        operation: 'estimate',
        method: 'POST',
        url: `${userPath(username)}/actions/estimate-charge`,
        headers: paymentHeaders(accessToken),
        body: { json: { amount, currency: 'TRY' } },
        retries: config.EDENRED_RETRY_ATTEMPTS,
        codeOf: directPaymentCodeOf,
      });
      const data = dataOf(answer.body);
      if (!data || !isAmount(data.available_amount) || data.currency !== 'TRY') {
        throw failureWithoutCode('UNEXPECTED_READ_ANSWER');
      }
      return { availableAmount: data.available_amount, currency: 'TRY' };
    },

    async createTransaction(request) {
      const { orderRef, amount } = request;
      if (!Number.isSafeInteger(orderRef) || orderRef < 1 || orderRef > MAX_ORDER_REF) {
        throw failureWithoutCode('REQUEST_REJECTED_LOCALLY');
      }
      if (!Number.isSafeInteger(amount) || amount < 1) throw failureWithoutCode('REQUEST_REJECTED_LOCALLY');
      const answer = await call({
        operation: 'transaction',
        method: 'POST',
        url: `${apiUrl}/v2/transactions`,
        headers: paymentHeaders(request.accessToken),
        body: {
          json: {
            mid: config.EDENRED_MID,
            amount,
            security_level: 'standard',
            capture_mode: 'auto',
            order_ref: String(orderRef),
            tstamp: turkeyTimestamp(request.at),
            currency: 'TRY',
            extra_field: extraField(
              {
                batchNo: config.EDENRED_BATCH_NO,
                serviceId: config.EDENRED_SERVICE_ID,
                terminalNo: config.EDENRED_TERMINAL_NO,
                transactionSource: config.EDENRED_TRANSACTION_SOURCE,
              },
              hash,
            ),
          },
        },
        timeoutMs: config.EDENRED_TRANSACTION_TIMEOUT_MS,
        // Never repeated here: the worker repeats it with the same order_ref, after recording the outcome.
        retries: 0,
        codeOf: directPaymentCodeOf,
        logFields: { orderRef, paymentIntentId: request.paymentIntentId, amount },
      });
      const result = transactionResultOf(answer.body, amount);
      if (!result) throw failureWithoutCode('UNEXPECTED_ANSWER');
      return result;
    },

    async findTransaction({ accessToken, orderRef }) {
      if (!config.EDENRED_TRANSACTION_LOOKUP) throw failureWithoutCode('TRANSACTION_LOOKUP_UNAVAILABLE');
      let answer;
      try {
        answer = await call({
          operation: 'lookup',
          method: 'GET',
          url: `${apiUrl}/v2/transactions?${new URLSearchParams({ order_ref: String(orderRef) }).toString()}`,
          headers: paymentHeaders(accessToken),
          retries: config.EDENRED_RETRY_ATTEMPTS,
          codeOf: directPaymentCodeOf,
          logFields: { orderRef },
        });
      } catch (error) {
        // Only Edenred's own "no such transaction" means not held; a bare 404 is a wrong endpoint.
        if ((error as { code?: string }).code === 'TRANSACTION_NOT_FOUND') return undefined;
        throw error;
      }
      const result = transactionResultOf(answer.body);
      if (!result) throw failureWithoutCode('UNEXPECTED_READ_ANSWER');
      return result;
    },
  };
};
