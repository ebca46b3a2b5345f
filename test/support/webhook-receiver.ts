import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  /** The raw body, exactly as sent: signatures are over these bytes. */
  body: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A webhook consumer on 127.0.0.1 (a free port), speaking real HTTP. `respond` decides each answer;
 * every request is kept, answered or not.
 */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  respond: (request: ReceivedWebhook, index: number) => ReceiverAnswer | Promise<ReceiverAnswer>;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (path = '/hooks'): Promise<WebhookReceiver> => {
  const app = express();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    respond: () => ({ status: 204 }),
    close: async () => undefined,
  };
  app.post(path, express.text({ type: '*/*', limit: '1mb' }), async (req, res) => {
    const request: ReceivedWebhook = {
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : String(value),
        ]),
      ),
      body: typeof req.body === 'string' ? req.body : '',
      receivedAt: Date.now(),
    };
    const index = receiver.received.push(request) - 1;
    const answer = await receiver.respond(request, index);
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}${path}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
};
