import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 50;
/** How long requests in flight may finish once shutdown starts; well inside SHUTDOWN_TIMEOUT_MS. */
export const HTTP_DRAIN_MS = 5_000;

/**
 * Stops accepting connections and resolves once every open one is gone. Keep-alive connections that are
 * busy when shutdown starts become idle after their response and would otherwise hold the server open
 * until their keep-alive timeout, so idle connections are closed repeatedly until none is left. A connection
 * still busy after `drainMs` (a request that never completes, a client that never reads) is closed, so it
 * cannot hold back the rest of the shutdown: the workers' and the stores' own closing.
 */
export const closeHttpServer = (server: Server, drainMs = HTTP_DRAIN_MS): Promise<void> =>
  new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const drained = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(drained);
      resolve();
    });
    server.closeIdleConnections();
  });
