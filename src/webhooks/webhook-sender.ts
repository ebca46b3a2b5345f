import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import {
  checkUrlSyntax,
  guardedLookup,
  isBlockedAddress,
  UrlRefusedError,
  type Resolver,
  type UrlPolicy,
} from './url-guard';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookPostResult {
  /** null when no answer came (refused, unreachable, timed out). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** From a Retry-After header, in ms; null when absent or unreadable. */
  retryAfterMs: number | null;
}

export interface WebhookSender {
  post(request: WebhookPost): Promise<WebhookPostResult>;
  close(): void;
}

export interface WebhookSenderOptions {
  policy: UrlPolicy;
  resolve: Resolver;
  timeoutMs: number;
  /** For Retry-After given as an HTTP date. */
  now: () => number;
}

/** Enough of an answer to see what went wrong; the rest is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_LENGTH = 200;

export const parseRetryAfter = (header: string | undefined, nowMs: number): number | null => {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
};

const describe = (error: unknown): string => {
  if (error instanceof UrlRefusedError) return `refused: ${error.message}`;
  const { code, message } = error as NodeJS.ErrnoException;
  return (code ? `${code}: ${message}` : String(message ?? error)).slice(0, MAX_ERROR_LENGTH);
};

/**
 * POSTs a webhook with node's own client: no redirects are followed (a 3xx is a failure), the whole
 * exchange is bounded by `timeoutMs`, and the connection goes only to an address the URL guard accepted.
 */
export const createWebhookSender = (options: WebhookSenderOptions): WebhookSender => {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  const lookup = options.policy.allowPrivateAddresses ? undefined : guardedLookup(options.resolve);

  const post = (request: WebhookPost): Promise<WebhookPostResult> => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (error: unknown): WebhookPostResult => ({
      statusCode: null,
      latencyMs: elapsed(),
      error: describe(error),
      retryAfterMs: null,
    });
    let url: URL;
    try {
      url = checkUrlSyntax(request.url, options.policy);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      // A literal address never reaches `lookup`, so it is checked here.
      if (!options.policy.allowPrivateAddresses && isIP(host) && isBlockedAddress(host)) {
        throw new UrlRefusedError(
          'webhook_url_refused',
          `${host} is a loopback, private or reserved address`,
        );
      }
    } catch (error) {
      return Promise.resolve(failed(error));
    }
    const protocol = url.protocol as 'http:' | 'https:';
    const client = protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: WebhookPostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          agent: agents[protocol],
          ...(lookup ? { lookup } : {}),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(request.body),
            'user-agent': 'EdgePay-Webhooks/1.0',
            ...request.headers,
          },
        },
        (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) res.destroy();
          });
          const answered = () =>
            settle({
              statusCode: res.statusCode ?? null,
              latencyMs: elapsed(),
              error: null,
              retryAfterMs: parseRetryAfter(res.headers['retry-after'], options.now()),
            });
          res.on('end', answered);
          res.on('close', answered);
          res.on('error', answered);
        },
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      req.on('error', (error) => settle(failed(error)));
      req.end(request.body);
    });
  };

  return {
    post,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
};
