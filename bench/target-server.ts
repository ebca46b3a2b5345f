/**
 * One benchmark target, run in its own process by command-path.bench.ts, so that autocannon (in the
 * parent) never shares an event loop with the server it measures.
 *
 *   target-server.ts bare              express.json() and a POST and a GET route answering a small JSON
 *   target-server.ts gateway FULL      the real gateway on the embedded default (SQLite file in a temp
 *   target-server.ts gateway NORMAL    directory, in-memory read store, in-process queue), all roles,
 *                                      from the production build in dist/ (as `npm start` runs it)
 *
 * It reports `{ type: 'ready', url, apiKey?, dataDir? }` over IPC and answers `{ type: 'close' }`.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { gatewayFromProductionBuild } from './support/production-build';
import { profiler } from './support/profiler';

// The gateway as `npm start` runs it (command-path.bench.ts builds it first).
const { issueApiKey, systemContext, systemClock, loadConfig, createLogger, startGateway } =
  gatewayFromProductionBuild();

export interface ReadyMessage {
  type: 'ready';
  url: string;
  apiKey?: string;
  dataDir?: string;
}

/** The server's own CPU time (user + system, microseconds) and event-loop utilisation since it started. */
export interface UsageMessage {
  type: 'usage';
  cpuUs: number;
  eventLoop: { idle: number; active: number };
  /** The longest the event loop was held up since the previous usage message (ms, 10 ms resolution). */
  eventLoopMaxDelayMs: number;
}

type Outgoing = ReadyMessage | UsageMessage | { type: 'closed' } | { type: 'profiled'; file?: string };
const send = (message: Outgoing) => process.send?.(message);

const listen = (server: Server) =>
  new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no address'));
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });

const startBare = async (): Promise<() => Promise<void>> => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '64kb' }));
  app.post('/bare/:id', (req, res) => {
    res.status(200).json({ id: req.params.id, object: 'echo', amount: req.body?.amount ?? null });
  });
  app.get('/bare/:id', (req, res) => {
    res.status(200).json({ id: req.params.id, object: 'echo', amount: 10_000 });
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  send({ type: 'ready', url: await listen(server) });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
};

const startEmbeddedGateway = async (synchronous: 'FULL' | 'NORMAL'): Promise<() => Promise<void>> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), `edgepay-bench-${synchronous.toLowerCase()}-`));
  const config = loadConfig({
    EDGEPAY_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SQLITE_SYNCHRONOUS: synchronous,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  });
  // The production logger (winston, JSON, redaction) at LOG_LEVEL=warn: what an operator would run.
  const logger = createLogger({ level: config.LOG_LEVEL });
  const gateway = await startGateway({ config, logger, roles: ['api', 'projector', 'worker'] });
  const issued = await issueApiKey(
    { eventStore: gateway.infrastructure.eventStore, clock: systemClock },
    {
      name: 'bench',
      merchantId: 'mer_bench',
      scopes: ['payments:read', 'payments:write'],
      environment: 'test',
    },
    systemContext('bench-setup'),
  );
  if (!(await gateway.projector?.waitForPosition(issued.position, 10_000))) {
    throw new Error('the API key was not projected');
  }
  send({ type: 'ready', url: gateway.url as string, apiKey: issued.key, dataDir });
  return async () => {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
};

const main = async () => {
  const [kind, synchronous] = process.argv.slice(2);
  const close =
    kind === 'bare'
      ? await startBare()
      : kind === 'gateway' && (synchronous === 'FULL' || synchronous === 'NORMAL')
        ? await startEmbeddedGateway(synchronous)
        : undefined;
  if (!close)
    throw new Error(`usage: target-server.ts bare | gateway FULL|NORMAL (got ${kind} ${synchronous})`);
  const profiling = profiler();
  // A stall (a checkpoint, a long GC) shows here even where a round's p99 hides it in the machine's noise.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.on('message', (message: { type?: string; action?: 'start' | 'stop'; file?: string }) => {
    if (message.type === 'profile') {
      const done = message.action === 'start' ? profiling.start() : profiling.stop(message.file as string);
      void done.then(() => send({ type: 'profiled', ...(message.file ? { file: message.file } : {}) }));
      return;
    }
    if (message.type === 'usage') {
      const cpu = process.cpuUsage();
      const { idle, active } = performance.eventLoopUtilization();
      const eventLoopMaxDelayMs = Math.round(loopDelay.max / 1e5) / 10;
      loopDelay.reset();
      send({ type: 'usage', cpuUs: cpu.user + cpu.system, eventLoop: { idle, active }, eventLoopMaxDelayMs });
      return;
    }
    if (message.type !== 'close') return;
    void close().then(() => {
      send({ type: 'closed' });
      process.disconnect?.();
      process.exit(0);
    });
  });
  // The parent went away without asking: do not linger.
  process.on('disconnect', () => process.exit(0));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
