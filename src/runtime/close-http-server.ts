import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections and resolves once every open one is gone. Keep-alive connections that are
 * busy when shutdown starts become idle after their response and would otherwise hold the server open
 * until their keep-alive timeout, so idle connections are closed repeatedly until none is left.
 */
export const closeHttpServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
