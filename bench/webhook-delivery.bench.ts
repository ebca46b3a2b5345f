/**
 * Webhook delivery benchmark: deliveries per second to a local receiver, side by side in one run with
 * BullMQ's own rate for an empty job on the same Redis, and with the embedded in-process queue.
 *
 *   npx tsx bench/webhook-delivery.bench.ts [--json]
 *
 * Method: a redis-server of the bench's own (no persistence) on a free loopback port. "BullMQ empty job":
 * N jobs added in bulk, then one worker with the delivery worker's concurrency empties the queue; the rate
 * is N over the time to drain. "Webhook delivery": a gateway (api + projector) records one subscription
 * and N payment intents (N payment_intent.created events), and stops; a gateway with the worker role then
 * starts on the same event store, and the rate is N over the time from its start until the receiver (a
 * bare node http server answering 204 on 127.0.0.1, in its own process as a subscriber's server would be)
 * has every webhook. The gateway is the production build (dist/), as `npm start` runs it. That covers the
 * whole path:
 * dispatcher (read the event's stream, route, record the delivery, queue the job), the job queue, the
 * worker (read the delivery and subscription streams, decrypt the secret, sign, POST, record the attempt)
 * and the projector applying the new delivery events.
 *
 * Knobs (environment): BENCH_DELIVERIES (2000), BENCH_CONCURRENCY (10, the worker's concurrency),
 * BENCH_ROUNDS (1; rounds alternate the three paths, medians reported). `--json` prints one line of rows.
 * Where perf can count them, the user-space instructions of this process per empty job and per delivery
 * (from the worker gateway's start) are printed too: unlike rates and CPU time, they hardly move with the
 * neighbours' load, so they compare code across runs.
 * BENCH_PROFILE=1 writes a CPU profile of each delivery measurement (from the worker gateway's start to the
 * last webhook received) to bench/results/profiles/webhook-delivery-<queue>-round<n>.cpuprofile.
 */
import { Queue, Worker } from 'bullmq';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../src/runtime/gateway';
import { RedisServer } from '../test/support/redis-server';
import { countInstructions } from './support/instruction-counter';
import { ensureProductionBuild, gatewayFromProductionBuild } from './support/production-build';
import { profiler } from './support/profiler';
import { formatRate, intEnv, median, note, percent, printRows } from './support/rows';

// The gateway as `npm start` runs it: the production build in dist/, built first when src/ changed.
ensureProductionBuild();
const { issueApiKey, systemContext, systemClock, loadConfig, silentLogger, startGateway } =
  gatewayFromProductionBuild();

const N = intEnv('BENCH_DELIVERIES', 2000);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 10);
const ROUNDS = intEnv('BENCH_ROUNDS', 1);
const PRODUCERS = 16;

interface Receiver {
  url: string;
  /** Resolves when the first webhook arrives, with when, and this process's CPU usage then. */
  first: Promise<{ at: number; cpu: NodeJS.CpuUsage }>;
  /** Resolves when `count` distinct webhooks arrived, with when. */
  all: Promise<number>;
  close(): Promise<void>;
}

/** Milliseconds since the epoch, comparable with the receiver process's `at`. */
const now = () => performance.timeOrigin + performance.now();

/** The receiver in its own process (support/webhook-receiver.ts), expecting `count` webhooks. */
const startReceiver = async (count: number): Promise<Receiver> => {
  const child = fork(path.join(__dirname, 'support', 'webhook-receiver.ts'), [], {
    execArgv: ['--require', 'tsx/cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let onFirst: (first: { at: number; cpu: NodeJS.CpuUsage }) => void = () => undefined;
  let onAll: (at: number) => void = () => undefined;
  const first = new Promise<{ at: number; cpu: NodeJS.CpuUsage }>((resolve) => (onFirst = resolve));
  const all = new Promise<number>((resolve) => (onAll = resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the webhook receiver exited (${code})`)));
    child.on('message', (message: { type: string; url?: string; at?: number }) => {
      if (message.type === 'listening') resolve(message.url as string);
      if (message.type === 'first') onFirst({ at: message.at as number, cpu: process.cpuUsage() });
      if (message.type === 'all') onAll(message.at as number);
    });
  });
  child.send({ type: 'expect', count });
  return {
    url,
    first,
    all,
    close: async () => {
      if (child.connected) child.send({ type: 'close' });
      await exited;
    },
  };
};

/**
 * A path's rate, and the CPU time this process spent per job or delivery while measuring it. For
 * deliveries, `steady` is the same from the first webhook received to the last: the delivery path alone,
 * without the gateway's start and its projector's catch-up over the seeded history, as the empty job's
 * drain starts with its jobs already queued.
 */
interface Measured {
  rate: number;
  cpuUsPerItem: number;
  /** User-space instructions of this process per job or delivery (perf), where perf can count them. */
  instructionsPerItem?: number;
  steady?: { rate: number; cpuUsPerItem: number };
}

const cpuUsSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const emptyJobRate = async (redisUrl: string): Promise<Measured> => {
  const connection = { url: redisUrl };
  const name = 'bench-empty';
  const queue = new Queue(name, { connection, prefix: 'bench' });
  for (let start = 0; start < N; start += 500) {
    const size = Math.min(500, N - start);
    await queue.addBulk(
      Array.from({ length: size }, (_, i) => ({
        name: 'empty',
        data: {},
        opts: { jobId: `empty-${start + i}`, removeOnComplete: true },
      })),
    );
  }
  let done = 0;
  let finished: (at: number) => void = () => undefined;
  const drained = new Promise<number>((resolve) => (finished = resolve));
  const instructions = await countInstructions(process.pid);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = new Worker(name, async () => undefined, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix: 'bench',
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => {
    done += 1;
    if (done === N) finished(performance.now());
  });
  const ended = await drained;
  const cpuUs = cpuUsSince(cpu);
  const counted = await instructions.stop();
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return {
    rate: N / ((ended - started) / 1000),
    cpuUsPerItem: cpuUs / N,
    ...(counted ? { instructionsPerItem: counted / N } : {}),
  };
};

const gatewayConfig = (dataDir: string, redisUrl: string | undefined) =>
  loadConfig({
    EDGEPAY_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    RATE_LIMIT_PER_MINUTE: '10000000',
    LOG_LEVEL: 'error',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_DELIVERY_CONCURRENCY: String(CONCURRENCY),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });

const start = (dataDir: string, redisUrl: string | undefined, roles: Role[]) =>
  startGateway({
    config: gatewayConfig(dataDir, redisUrl),
    logger: silentLogger(),
    roles,
    clock: systemClock,
  });

/** Records a subscription and N payment intents, without delivering anything (no worker role). */
const seed = async (dataDir: string, redisUrl: string | undefined, receiverUrl: string): Promise<void> => {
  const gateway = await start(dataDir, redisUrl, ['api', 'projector']);
  try {
    const issued = await issueApiKey(
      { eventStore: gateway.infrastructure.eventStore, clock: systemClock },
      {
        name: 'bench',
        merchantId: 'mer_bench',
        scopes: ['payments:write', 'webhooks:write'],
        environment: 'test',
      },
      systemContext('bench'),
    );
    await gateway.projector?.waitForPosition(issued.position, 10_000);
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': issued.key },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    };
    await post('/api/v1/webhooks', { url: receiverUrl, eventTypes: ['payment_intent.created'] });
    let next = 0;
    await Promise.all(
      Array.from({ length: PRODUCERS }, async () => {
        while (next < N) {
          next += 1;
          await post('/v1/payment-intents', { amount: 10_000, paymentMethodType: 'card_present' });
        }
      }),
    );
  } finally {
    await gateway.close();
  }
};

const PROFILES = path.join(__dirname, 'results', 'profiles');

const deliveryRate = async (redisUrl: string | undefined, round: number): Promise<Measured> => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'edgepay-bench-webhooks-'));
  const receiver = await startReceiver(N);
  const profile = process.env.BENCH_PROFILE === '1' ? profiler() : undefined;
  try {
    await seed(dataDir, redisUrl, receiver.url);
    await profile?.start();
    const instructions = await countInstructions(process.pid);
    const started = now();
    const cpu = process.cpuUsage();
    const gateway = await start(dataDir, redisUrl, ['projector', 'worker']);
    try {
      const ended = await receiver.all;
      const cpuUs = cpuUsSince(cpu);
      const counted = await instructions.stop();
      const first = await receiver.first;
      const steady = {
        rate: (N - 1) / ((ended - first.at) / 1000),
        cpuUsPerItem: cpuUsSince(first.cpu) / (N - 1),
      };
      const queue = redisUrl ? 'bullmq' : 'in-process';
      if (profile) mkdirSync(PROFILES, { recursive: true });
      await profile?.stop(path.join(PROFILES, `webhook-delivery-${queue}-round${round}.cpuprofile`));
      return {
        rate: N / ((ended - started) / 1000),
        cpuUsPerItem: cpuUs / N,
        steady,
        ...(counted ? { instructionsPerItem: counted / N } : {}),
      };
    } finally {
      await gateway.close();
    }
  } finally {
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const main = async () => {
  const redis = await RedisServer.start();
  try {
    const emptyJob: Measured[] = [];
    const viaBullMq: Measured[] = [];
    const inProcess: Measured[] = [];
    const show = (m: Measured | undefined) =>
      `${Math.round(m?.rate ?? 0)}/s (${Math.round(m?.cpuUsPerItem ?? 0)} us CPU` +
      (m?.instructionsPerItem ? `, ${Math.round(m.instructionsPerItem / 1000)}k instructions` : '') +
      ' each)' +
      (m?.steady ? `, steady ${Math.round(m.steady.rate)}/s (${Math.round(m.steady.cpuUsPerItem)} us)` : '');
    // Alternating, so a burst of outside load hits every path rather than one.
    for (let round = 1; round <= ROUNDS; round++) {
      emptyJob.push(await emptyJobRate(redis.url));
      viaBullMq.push(await deliveryRate(redis.url, round));
      inProcess.push(await deliveryRate(undefined, round));
      note(
        `round ${round}: BullMQ empty job ${show(emptyJob.at(-1))}, webhook delivery on BullMQ ` +
          `${show(viaBullMq.at(-1))}, in-process ${show(inProcess.at(-1))}`,
      );
    }
    note(`${N} jobs or deliveries, worker concurrency ${CONCURRENCY}, ${os.cpus().length} CPUs`);
    const rate = (runs: Measured[]) => median(runs.map((m) => m.rate));
    const steadyRate = (runs: Measured[]) => median(runs.map((m) => m.steady?.rate ?? 0));
    const steadyCpu = (runs: Measured[]) => median(runs.map((m) => m.steady?.cpuUsPerItem ?? 0));
    // CPU of this process per item: the load of the other work on the machine moves it far less than
    // the rates (Redis's own CPU is in neither figure).
    const cpu = (runs: Measured[]) => median(runs.map((m) => m.cpuUsPerItem));
    const baseline = `BullMQ empty job ${formatRate(rate(emptyJob), 'jobs/s')}`;
    const cpuBaseline = `BullMQ empty job ${Math.round(cpu(emptyJob))} us`;
    const rateRow = (figure: string, deliveries: number) => ({
      figure,
      baseline,
      gateway: formatRate(deliveries, 'deliveries/s'),
      ratio: percent(deliveries / rate(emptyJob)),
    });
    const cpuRow = (figure: string, us: number) => ({
      figure,
      baseline: cpuBaseline,
      gateway: `${Math.round(us)} us`,
      ratio: percent(cpu(emptyJob) / us),
    });
    const instructions = (runs: Measured[]) => median(runs.map((m) => m.instructionsPerItem ?? 0));
    const instructionRow = (figure: string, perDelivery: number) => ({
      figure,
      baseline: `BullMQ empty job ${Math.round(instructions(emptyJob) / 1000)}k`,
      gateway: `${Math.round(perDelivery / 1000)}k`,
      ratio: percent(instructions(emptyJob) / perDelivery),
    });
    printRows([
      rateRow('webhook delivery, steady (BullMQ, same Redis)', steadyRate(viaBullMq)),
      rateRow('webhook delivery, steady (in-process queue)', steadyRate(inProcess)),
      cpuRow('CPU per delivery, steady, BullMQ (this process)', steadyCpu(viaBullMq)),
      rateRow("webhook delivery from the gateway's start (BullMQ, same Redis)", rate(viaBullMq)),
      rateRow("webhook delivery from the gateway's start (in-process queue)", rate(inProcess)),
      cpuRow('CPU per delivery, BullMQ (this process)', cpu(viaBullMq)),
      cpuRow('CPU per delivery, in-process (this process)', cpu(inProcess)),
      // Only where perf could count them (some VMs have no hardware counters).
      ...(instructions(emptyJob) > 0
        ? [
            instructionRow(
              "instructions per delivery from the gateway's start, BullMQ (perf)",
              instructions(viaBullMq),
            ),
            instructionRow(
              "instructions per delivery from the gateway's start, in-process (perf)",
              instructions(inProcess),
            ),
          ]
        : []),
    ]);
  } finally {
    await redis.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
