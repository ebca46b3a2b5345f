/**
 * The webhook consumer of webhook-delivery.bench.ts, in its own process as a subscriber's server would be,
 * so that its half of each HTTP exchange does not run on the gateway's event loop. Answers 204 to every
 * POST and reports over IPC: `{ type: 'listening', url }`, then, after `{ type: 'expect', count }`,
 * `{ type: 'first', at }` on the first webhook and `{ type: 'all', at }` once `count` distinct
 * `webhook-id`s arrived (`at`: milliseconds since the epoch, with sub-millisecond precision).
 */
import { createServer } from 'node:http';

const now = () => performance.timeOrigin + performance.now();
let ids = new Set<string>();
let expected = Infinity;
let firstSeen = false;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (!firstSeen) {
      firstSeen = true;
      process.send?.({ type: 'first', at: now() });
    }
    const before = ids.size;
    ids.add(String(req.headers['webhook-id']));
    res.writeHead(204).end();
    if (before < expected && ids.size >= expected) process.send?.({ type: 'all', at: now() });
  });
});

process.on('message', (message: { type?: string; count?: number }) => {
  if (message.type === 'expect') {
    ids = new Set();
    firstSeen = false;
    expected = message.count ?? Infinity;
  }
  if (message.type === 'close') {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'listening', url: `http://127.0.0.1:${port}/hooks` });
});
