import type { Registry } from 'prom-client';
import type { Logger } from '../../../infrastructure/logging/logger';
import type {
  AdapterCircuitBreaker,
  AdapterHealthSnapshot,
  AdapterRetry,
  AdapterTimeouts,
  StationAdapterType,
} from '../station-adapter';
import { CircuitBreaker } from './circuit-breaker';
import { CpmsCallError, scrubSecrets } from './cpms-call-error';
import { cpmsMetrics, type CpmsCallOutcome, type CpmsMetrics } from './cpms-metrics';
import { HealthTracker } from './health-tracker';

export interface CpmsHttpSettings {
  baseUrl: string;
  timeouts: AdapterTimeouts;
  retry: AdapterRetry;
  circuitBreaker: AdapterCircuitBreaker;
}

export interface CpmsHttpOptions {
  adapterType: StationAdapterType;
  settings: CpmsHttpSettings;
  registry: Registry;
  logger: Logger;
  now: () => Date;
  /** Every value that must never appear in an error message or a log line. */
  secrets: () => readonly string[];
  /** The API's error body as a code and a message (Longship `{code, errorDetails}`, OAuth `{error}`). */
  errorOf: (body: unknown) => { code?: string; message?: string };
  /** Credentials to send; after a 401, called once more with the ones refused (time for a new token). */
  authorize?: (rejected?: Record<string, string>) => Promise<Record<string, string>>;
  /** Credentials that expire (OAuth tokens): a 401 earns one more try with fresh ones. */
  renewsCredentials?: boolean;
}

export interface CpmsRequest {
  /** The metric and log label, e.g. `remote_start`. */
  operation: string;
  method: 'GET' | 'POST';
  /** A path under the base URL, or an absolute URL on the same origin (a `Location`). */
  path: string;
  json?: unknown;
  form?: Record<string, string>;
  /** GETs and token requests: repeated with backoff on 5xx, 429 and transport failures. */
  safeToRepeat: boolean;
  /** false for the token request itself. */
  authorized?: boolean;
}

export interface CpmsResponse {
  status: number;
  headers: Headers;
  body: unknown;
  url: string;
}

type Attempt =
  | { kind: 'answer'; response: CpmsResponse }
  | { kind: 'failure'; outcome: CpmsCallOutcome; code: string; status?: number; detail: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const parseBody = (text: string): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
};

/**
 * One CPMS's HTTP: per-call timeout, retries with backoff only for calls safe to repeat, a circuit
 * breaker, a health window and metrics. 2xx-4xx answers (except 401/403/429) are returned: "no" from
 * the CPMS is the adapter's to interpret. Nothing here logs a header or a body.
 */
export class CpmsHttpClient {
  private readonly breaker: CircuitBreaker;
  private readonly healthTracker: HealthTracker;
  private readonly metrics: CpmsMetrics;
  private readonly origin: string;

  constructor(private readonly options: CpmsHttpOptions) {
    const nowMs = () => options.now().getTime();
    this.breaker = new CircuitBreaker(() => options.settings.circuitBreaker, nowMs);
    this.healthTracker = new HealthTracker(options.adapterType, nowMs);
    this.metrics = cpmsMetrics(options.registry);
    this.origin = new URL(options.settings.baseUrl).origin;
  }

  health(tokenExpiresAt: Date | null = null): AdapterHealthSnapshot {
    return this.healthTracker.snapshot(this.breaker.state, tokenExpiresAt);
  }

  async request(request: CpmsRequest): Promise<CpmsResponse> {
    const { retry } = this.options.settings;
    const attempts = request.safeToRepeat ? Math.max(1, retry.attempts) : 1;
    const url = this.urlOf(request.path);
    let rejected: Record<string, string> | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const credentials =
        request.authorized === false ? {} : ((await this.options.authorize?.(rejected)) ?? {});
      if (!this.breaker.tryAcquire()) {
        this.metrics.observe(this.labels(request, 'circuit_open'), 0);
        throw this.error(
          'cpms_circuit_open',
          `${this.options.adapterType} ${request.operation}: circuit open`,
        );
      }
      const started = this.options.now().getTime();
      const result = await this.attempt(request, url, credentials);
      const latencyMs = this.options.now().getTime() - started;
      if (result.kind === 'answer') {
        this.breaker.recordSuccess();
        this.healthTracker.recordSuccess(latencyMs);
        this.metrics.observe(
          this.labels(request, result.response.status >= 400 ? 'client_error' : 'success'),
          latencyMs,
        );
        return result.response;
      }
      this.metrics.observe(this.labels(request, result.outcome), latencyMs);
      // A 401 means the CPMS did not act on the call: with a fresh token it is safe to send once more.
      if (
        result.status === 401 &&
        this.options.renewsCredentials &&
        request.authorized !== false &&
        !rejected
      ) {
        this.breaker.release();
        rejected = credentials;
        attempt -= 1;
        continue;
      }
      const message = `${this.options.adapterType} ${request.operation}: ${result.detail}`;
      this.breaker.recordFailure();
      this.healthTracker.recordFailure(latencyMs, result.code, this.scrub(message));
      const repeatable = result.outcome !== 'unauthorized' && attempt < attempts;
      this.options.logger.warn('cpms call failed', {
        adapter: this.options.adapterType,
        operation: request.operation,
        outcome: result.outcome,
        code: result.code,
        attempt,
        willRetry: repeatable,
      });
      if (!repeatable) throw this.error(result.code, message, result.status);
      await sleep(retry.backoffMs * 2 ** (attempt - 1));
    }
  }

  private async attempt(
    request: CpmsRequest,
    url: string,
    credentials: Record<string, string>,
  ): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json', ...credentials };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    let response: globalThis.Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.settings.timeouts.requestMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      return timedOut
        ? { kind: 'failure', outcome: 'timeout', code: 'cpms_timeout', detail: 'no answer in time' }
        : {
            kind: 'failure',
            outcome: 'network_error',
            code: 'cpms_unreachable',
            detail: 'could not reach the CPMS',
          };
    }
    const parsed = parseBody(text);
    const answer: CpmsResponse = { status: response.status, headers: response.headers, body: parsed, url };
    const { status } = response;
    if (status !== 401 && status !== 403 && status !== 429 && status < 500)
      return { kind: 'answer', response: answer };
    const said = this.options.errorOf(parsed);
    const detail = `HTTP ${status}${said.code ? ` ${said.code}` : ''}${said.message ? `: ${said.message}` : ''}`;
    if (status === 401 || status === 403)
      return { kind: 'failure', outcome: 'unauthorized', code: 'cpms_auth_failed', status, detail };
    if (status === 429)
      return { kind: 'failure', outcome: 'rate_limited', code: 'cpms_rate_limited', status, detail };
    return { kind: 'failure', outcome: 'server_error', code: 'cpms_server_error', status, detail };
  }

  /** Credentials go only to the configured origin, even when a `Location` names another. */
  private urlOf(path: string): string {
    const url = new URL(path, this.options.settings.baseUrl.replace(/\/?$/, '/'));
    if (/^https?:/i.test(path) && url.origin !== this.origin)
      throw this.error('cpms_bad_location', `${this.options.adapterType}: the CPMS pointed to another host`);
    if (!/^https?:/i.test(path)) return `${this.options.settings.baseUrl.replace(/\/$/, '')}${path}`;
    return url.toString();
  }

  private labels(request: CpmsRequest, outcome: CpmsCallOutcome) {
    return { adapter: this.options.adapterType, operation: request.operation, outcome };
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.options.secrets());
  }

  private error(code: string, message: string, status?: number): CpmsCallError {
    return new CpmsCallError(code, this.scrub(message), status);
  }
}
