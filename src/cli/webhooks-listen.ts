import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

/** A delivery whose Standard Webhooks signature held: the gateway's public event and its webhook-id. */
export interface VerifiedDelivery {
  webhookId: string;
  /** true when this webhook-id was seen before (a retry or a replay). */
  redelivery: boolean;
  event: { id: string; type: string; version?: number; timestamp: string; data: unknown };
}

export interface WebhookListenerOptions {
  port?: number;
  host?: string;
  /** Signing secrets (`whsec_...`); more can be added later with trust(). */
  secrets?: readonly string[];
  onDelivery: (delivery: VerifiedDelivery) => void;
  onRejected?: (why: string) => void;
}

export interface WebhookListener {
  url: string;
  /** Accept deliveries signed with this secret too (a new subscription, or a rotation). */
  trust(secret: string): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const readBody = (request: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });

const headerOf = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
};

/**
 * A local webhook receiver: it verifies each delivery with the standardwebhooks package (a verifier
 * nobody here wrote) against any trusted secret, answers 204 to a verified one and 401 to the rest,
 * so the gateway's retries and its delivery log show what a real consumer would see.
 */
export const startWebhookListener = async (options: WebhookListenerOptions): Promise<WebhookListener> => {
  const verifiers = (options.secrets ?? []).map((secret) => new Webhook(secret));
  const seen = new Set<string>();
  const reject = (response: ServerResponse, status: number, why: string) => {
    options.onRejected?.(why);
    response.writeHead(status).end();
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') return reject(response, 405, `${request.method} is not a delivery`);
    const body = await readBody(request);
    if (body === undefined) return reject(response, 413, 'a body above 1 MiB');
    const headers = {
      'webhook-id': headerOf(request, 'webhook-id'),
      'webhook-timestamp': headerOf(request, 'webhook-timestamp'),
      'webhook-signature': headerOf(request, 'webhook-signature'),
    };
    const event = verifiers.reduce<unknown>((verified, verifier) => {
      if (verified !== undefined) return verified;
      try {
        return verifier.verify(body, headers);
      } catch {
        return undefined;
      }
    }, undefined);
    if (event === undefined) {
      return reject(
        response,
        401,
        `delivery ${headers['webhook-id'] || '(no webhook-id)'} failed verification`,
      );
    }
    const redelivery = seen.has(headers['webhook-id']);
    seen.add(headers['webhook-id']);
    options.onDelivery({
      webhookId: headers['webhook-id'],
      redelivery,
      event: event as VerifiedDelivery['event'],
    });
    response.writeHead(204).end();
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => reject(response, 400, 'an unreadable request'));
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`,
    trust: (secret) => void verifiers.push(new Webhook(secret)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

export const WEBHOOKS_LISTEN_DETAILS = `  A local webhook receiver. Subscribe it (POST /api/v1/webhooks with "url": "http://127.0.0.1:4000/",
  on a gateway started with WEBHOOK_ALLOW_PRIVATE_URLS=true), pass the signing secret the subscription
  showed, and it prints each delivery whose Standard Webhooks signature holds as one JSON line; others
  are answered 401 and named on stderr. Repeat --secret during a secret rotation.`;

/** `edgepay webhooks listen`: runs until SIGINT or SIGTERM. Returns the exit code when it cannot start. */
export const webhooksListen = async (args: string[]): Promise<number | undefined> => {
  const { values } = parseArgs({
    args,
    options: {
      secret: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`edgepay webhooks listen: --port must be a port number, not "${values.port}"`);
    return 2;
  }
  if (values.secret.length === 0 || values.secret.some((secret) => !secret.startsWith('whsec_'))) {
    console.error('edgepay webhooks listen: needs --secret whsec_... (the secret the subscription showed)');
    return 2;
  }
  const listener = await startWebhookListener({
    port,
    host: values.host,
    secrets: values.secret,
    onDelivery: (delivery) => console.log(JSON.stringify(delivery)),
    onRejected: (why) => console.error(`refused: ${why}`),
  });
  console.error(`listening on ${listener.url}`);
  const stop = () => void listener.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
};
