import type { Logger } from '../../infrastructure/logging/logger';
import { edenredErrorFor, failureWithoutCode } from './edenred-error-codes';
import { EdenredError } from './edenred-port';

export interface EdenredAnswer {
  status: number;
  body: unknown;
}

export interface EdenredCall {
  /** For logs and metrics: `token.refresh`, `balances`, `transaction`, ... (never a URL: it may hold a user id). */
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: { json: unknown } | { form: Record<string, string> };
  timeoutMs: number;
  /** Extra attempts after a retry_later failure: only for calls that are safe to repeat. */
  retries: number;
  /** Where Edenred puts the code of a failed answer (Direct Payment envelope or OAuth `error`). */
  codeOf: (body: unknown) => string | null;
  /** Fields for the log line (order_ref, payment intent id): never a token or a secret. */
  logFields?: Record<string, unknown>;
}

export interface EdenredTransport {
  logger: Logger;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  retryBaseMs: number;
}

const MAX_BACKOFF_MS = 5_000;

const requestInit = (call: EdenredCall): RequestInit => {
  const headers = { accept: 'application/json', ...call.headers };
  const init: RequestInit = { method: call.method, headers, redirect: 'manual' };
  if (!call.body) return init;
  if ('json' in call.body) {
    return {
      ...init,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(call.body.json),
    };
  }
  return {
    ...init,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(call.body.form).toString(),
  };
};

const parsed = (text: string): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const once = async (call: EdenredCall, transport: EdenredTransport): Promise<EdenredAnswer> => {
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(call.url, {
      ...requestInit(call),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    throw failureWithoutCode(name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'NETWORK');
  }
  const body = parsed(text);
  if (response.status >= 400) throw edenredErrorFor(response.status, call.codeOf(body));
  return { status: response.status, body };
};

/**
 * One Edenred call: per-call timeout, the answer's code classified by the one table, a log line without
 * secrets, and, for safe calls only, retries with exponential backoff on retry_later failures.
 */
export const edenredCall = async (call: EdenredCall, transport: EdenredTransport): Promise<EdenredAnswer> => {
  for (let attempt = 0; ; attempt += 1) {
    const startedAt = Date.now();
    try {
      const answer = await once(call, transport);
      transport.logger.debug('edenred call', {
        partner: 'edenred',
        operation: call.operation,
        status: answer.status,
        attempt,
        durationMs: Date.now() - startedAt,
        ...call.logFields,
      });
      return answer;
    } catch (error) {
      if (!(error instanceof EdenredError)) throw error;
      const retrying = error.errorClass === 'retry_later' && attempt < call.retries;
      transport.logger.warn('edenred call failed', {
        partner: 'edenred',
        operation: call.operation,
        status: error.httpStatus,
        code: error.code,
        errorClass: error.errorClass,
        attempt,
        retrying,
        durationMs: Date.now() - startedAt,
        ...call.logFields,
      });
      if (!retrying) throw error;
      await transport.sleep(Math.min(MAX_BACKOFF_MS, transport.retryBaseMs * 2 ** attempt));
    }
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Direct Payment's failure envelope: `{ meta: { status: "failed", messages: [{ code, level, description }] } }`. */
export const directPaymentCodeOf = (body: unknown): string | null => {
  const messages = isRecord(body) && isRecord(body.meta) ? body.meta.messages : undefined;
  if (!Array.isArray(messages)) return null;
  const first = messages.find((message) => isRecord(message) && typeof message.code === 'string');
  return isRecord(first) ? (first.code as string) : null;
};

/** RFC 6749 5.2: `{ "error": "invalid_grant", "error_description": ... }`. */
export const oauthCodeOf = (body: unknown): string | null =>
  isRecord(body) && typeof body.error === 'string' ? body.error : null;
