import { newUuid } from '../../infrastructure/ids';
import type { InterfaceFile, OcpiVersion } from '../openapi/ocpi-description';
import { authorizationHeader } from '../transport/credentials-token';
import { isOcpiEnvelope, OCPI_SUCCESS, type OcpiEnvelope } from '../transport/ocpi-envelope';
import { OcpiPeerError, OcpiUrlRefusedError } from '../transport/ocpi-errors';
import { checkUrl, UrlRefusedError, type Resolver, type UrlPolicy } from '../../webhooks/url-guard';
import type { ExchangeObserver } from '../transport/ocpi-exchange';

export interface OcpiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token: string;
  /** The peer reads the bare token (a 2.1-era peer, a per-party setting). */
  unencodedToken: boolean;
  body?: unknown;
  /** The flow's correlation id: the same on every request of one flow, and on each retry. */
  correlationId: string;
  /** Where the request is in the description, for the exchange observer. */
  described: { version: OcpiVersion; file: InterfaceFile; path: string };
  headers?: Record<string, string>;
}

export interface OcpiReply<T> {
  httpStatus: number;
  envelope: OcpiEnvelope<T>;
  headers: Headers;
}

export interface OcpiClientOptions {
  fetch?: typeof fetch;
  timeoutMs: number;
  /** Attempts of an idempotent request (GET, PUT, PATCH, DELETE); a POST is sent once. */
  attempts: number;
  /** The first retry waits this long, each next one twice as long (with up to 50% jitter). */
  backoffMs: number;
  onExchange?: ExchangeObserver;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The webhooks' URL guard (SSRF): a peer's versions answer names every next URL, so each is checked
   * before it is called. Absent: no check (the CPO simulator's own client).
   */
  urlGuard?: { policy: UrlPolicy; resolve: Resolver };
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'PATCH', 'DELETE']);
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const queryOf = (url: string): Record<string, string> =>
  Object.fromEntries(new URL(url).searchParams.entries());

const guard = async (call: OcpiCall, urlGuard: NonNullable<OcpiClientOptions['urlGuard']>) => {
  try {
    await checkUrl(call.url, urlGuard.policy, urlGuard.resolve);
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    const code = error.code.replace(/^webhook_/, 'ocpi_');
    throw new OcpiUrlRefusedError(call.url, code, `${call.method} ${call.url}: refused (${error.message})`);
  }
};

/**
 * Our side of every OCPI request: the token header, a new X-Request-ID per request (and per retry), the
 * flow's X-Correlation-ID, the envelope checked, retries with backoff where repeating is harmless.
 * Never logs: the caller decides what to say, and a token never reaches a message.
 */
export const createOcpiClient = (options: OcpiClientOptions) => {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;

  const attempt = async <T>(
    call: OcpiCall,
  ): Promise<OcpiReply<T> | { failure: OcpiPeerError; retry: boolean }> => {
    const requestHeaders: Record<string, string> = {
      Authorization: authorizationHeader(call.token, call.unencodedToken),
      'X-Request-ID': newUuid(),
      'X-Correlation-ID': call.correlationId,
      ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...call.headers,
    };
    let response: Response;
    try {
      response = await doFetch(call.url, {
        method: call.method,
        headers: requestHeaders,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'network error';
      return {
        failure: new OcpiPeerError(call.url, undefined, undefined, `${call.method} ${call.url}: ${reason}`),
        retry: true,
      };
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    options.onExchange?.({
      direction: 'outbound',
      ...call.described,
      method: call.method,
      requestHeaders: Object.fromEntries(
        Object.entries(requestHeaders).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      query: queryOf(call.url),
      ...(call.body === undefined ? {} : { requestBody: call.body }),
      status: response.status,
      responseBody: body,
    });
    if (!isOcpiEnvelope(body)) {
      const failure = new OcpiPeerError(
        call.url,
        response.status,
        undefined,
        `${call.method} ${call.url}: HTTP ${response.status} without an OCPI answer`,
      );
      return { failure, retry: retryable(response.status) };
    }
    if (!response.ok || body.status_code !== OCPI_SUCCESS) {
      const failure = new OcpiPeerError(
        call.url,
        response.status,
        body.status_code,
        `${call.method} ${call.url}: HTTP ${response.status}, OCPI ${body.status_code} ${body.status_message ?? ''}`.trim(),
      );
      return { failure, retry: retryable(response.status) };
    }
    return { httpStatus: response.status, envelope: body as OcpiEnvelope<T>, headers: response.headers };
  };

  return {
    async call<T>(call: OcpiCall): Promise<OcpiReply<T>> {
      if (options.urlGuard) await guard(call, options.urlGuard);
      const attempts = IDEMPOTENT.has(call.method) ? options.attempts : 1;
      for (let number = 1; ; number += 1) {
        const outcome = await attempt<T>(call);
        if (!('failure' in outcome)) return outcome;
        if (!outcome.retry || number >= attempts) throw outcome.failure;
        const delay = options.backoffMs * 2 ** (number - 1);
        await sleep(delay + Math.random() * delay * 0.5);
      }
    },
  };
};

export type OcpiClient = ReturnType<typeof createOcpiClient>;
