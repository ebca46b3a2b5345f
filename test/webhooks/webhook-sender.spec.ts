import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookSender, parseRetryAfter, type WebhookSender } from '../../src/webhooks/webhook-sender';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { fakeResolver } from '../support/fake-resolver';

describe('webhook sender', () => {
  let receiver: WebhookReceiver;
  let sender: WebhookSender | undefined;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    sender?.close();
    sender = undefined;
    await receiver.close();
  });

  const port = () => new URL(receiver.url).port;
  const post = (url: string) => sender!.post({ url, headers: { 'webhook-id': 'msg_1' }, body: '{"a":1}' });

  it('refuses, at connection time, a name whose DNS now points inside (rebinding), sending nothing', async () => {
    // At registration the name was public; now it resolves to the receiver on loopback.
    sender = createWebhookSender({
      policy: { requireHttps: false, allowPrivateAddresses: false },
      resolve: fakeResolver({ 'rebound.example.com': ['127.0.0.1'] }),
      timeoutMs: 2_000,
      now: () => Date.now(),
    });
    const result = await post(`http://rebound.example.com:${port()}/hooks`);
    assert.equal(result.statusCode, null);
    assert.match(result.error ?? '', /^refused: .*loopback/);
    assert.equal(receiver.received.length, 0);
    const literal = await post(receiver.url);
    assert.match(literal.error ?? '', /^refused/);
    assert.equal(receiver.received.length, 0);
  });

  describe('to a local receiver (private addresses allowed)', () => {
    beforeEach(() => {
      sender = createWebhookSender({
        policy: { requireHttps: false, allowPrivateAddresses: true },
        resolve: fakeResolver({}),
        timeoutMs: 300,
        now: () => Date.parse('2026-01-15T10:00:00.000Z'),
      });
    });

    it('posts the body with the headers given, and reports the status and latency', async () => {
      receiver.respond = () => ({ status: 202 });
      const result = await post(receiver.url);
      assert.deepEqual([result.statusCode, result.error], [202, null]);
      assert.ok(result.latencyMs >= 0);
      const [request] = receiver.received;
      assert.equal(request?.body, '{"a":1}');
      assert.equal(request?.headers['webhook-id'], 'msg_1');
      assert.equal(request?.headers['content-type'], 'application/json');
    });

    it('does not follow redirects', async () => {
      receiver.respond = () => ({ status: 302, headers: { location: receiver.url } });
      const result = await post(receiver.url);
      assert.equal(result.statusCode, 302);
      assert.equal(receiver.received.length, 1);
    });

    it('gives up on an endpoint that does not answer in time', async () => {
      receiver.respond = () => new Promise(() => undefined);
      const result = await post(receiver.url);
      assert.equal(result.statusCode, null);
      assert.match(result.error ?? '', /no answer within 300 ms/);
    });

    it('reads Retry-After', async () => {
      receiver.respond = () => ({ status: 503, headers: { 'retry-after': '120' } });
      assert.equal((await post(receiver.url)).retryAfterMs, 120_000);
    });
  });

  describe('answers whose body is not worth reading', () => {
    let server: Server;
    let url: string;
    beforeEach(async () => {
      server = createServer((req, res) => {
        req.resume();
        if (req.url === '/huge') {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('x'.repeat(2 * 1024 * 1024));
        } else if (req.url === '/stalls') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
        } else {
          res.writeHead(204).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      sender = createWebhookSender({
        policy: { requireHttps: false, allowPrivateAddresses: true },
        resolve: fakeResolver({}),
        timeoutMs: 300,
        now: () => Date.now(),
      });
    });
    afterEach(async () => {
      sender?.close();
      sender = undefined;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('reports the status of an answer with a huge body, without reading it all, and goes on', async () => {
      const result = await post(`${url}/huge`);
      assert.deepEqual([result.statusCode, result.error], [500, null]);
      assert.equal((await post(`${url}/ok`)).statusCode, 204);
    });

    it('reports the status of an answer whose body stalls, within the timeout, and goes on', async () => {
      const result = await post(`${url}/stalls`);
      assert.deepEqual([result.statusCode, result.error], [200, null]);
      assert.ok(result.latencyMs < 2_000, `${result.latencyMs} ms`);
      assert.equal((await post(`${url}/ok`)).statusCode, 204);
    });
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-15T10:00:00.000Z');
    assert.equal(parseRetryAfter('7', now), 7_000);
    assert.equal(parseRetryAfter('Thu, 15 Jan 2026 10:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});
