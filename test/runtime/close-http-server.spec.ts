import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { closeHttpServer } from '../../src/runtime/close-http-server';

const listening = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

describe('closing the HTTP server at shutdown', () => {
  it('lets a request in flight finish, then closes its keep-alive connection', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('done'), 200));
    const port = await listening(server);
    const answer = fetch(`http://127.0.0.1:${port}/`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await closeHttpServer(server, 5_000);
    assert.equal(await answer, 'done');
    assert.ok(Date.now() - started < 2_000, 'closed soon after the answer');
  });

  it('closes a connection whose request never completes once the drain time is over', async () => {
    const server = createServer((_req, res) => res.end('never reached'));
    const port = await listening(server);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // Headers begun, never finished: the connection is busy, not idle, for as long as the client waits.
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await closeHttpServer(server, 300);
    const took = Date.now() - started;
    await closed;
    assert.ok(took >= 250 && took < 3_000, `closed after ${took} ms`);
  });
});
