/**
 * Command-path benchmark: create + authorize + capture on the embedded default, measured with autocannon
 * side by side with a bare express JSON route in the same run; then GET /v1/payment-intents/{id} next to
 * a bare GET. See bench/README.md for the method.
 *
 *   npx tsx bench/command-path.bench.ts [--json]
 *
 * `--json` prints the summary rows as one JSON line on stdout (everything else goes to stderr).
 * Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION_S (6), BENCH_CONNECTIONS (64), BENCH_WARMUP_S (6),
 * BENCH_TARGETS (bare,FULL,NORMAL), BENCH_PROFILE=1 (CPU profiles of the gateways during the measured
 * command and GET rounds, in bench/results/profiles/; summarise with `npx tsx bench/profile-summary.ts <files>`),
 * BENCH_PROFILE=heap or heap-promoted (allocation profiles instead, .heapprofile: every allocation, or only what
 * outlived the young generation), BENCH_PROFILE_BARE=1 (profile the bare route too), BENCH_GATEWAY_FLAGS (node
 * flags for the gateways instead of production's, package.json `config.nodeFlags`; empty for none).
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEventStore } from '../src/infrastructure/event-store/create-event-store';
import { countInstructions } from './support/instruction-counter';
import { AUTHORIZE_BODY, CAPTURE_BODY, CREATE_BODY } from './support/payment-flow';
import { ensureProductionBuild } from './support/production-build';
import { gatewayNodeFlags } from './support/production-flags';
import type { ReadyMessage, UsageMessage } from './target-server';

const ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(__dirname, 'results');
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');

const intEnv = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
  return parsed;
};

const ROUNDS = intEnv('BENCH_ROUNDS', 3);
const DURATION_S = intEnv('BENCH_DURATION_S', 6);
const WARMUP_S = intEnv('BENCH_WARMUP_S', 6);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 64);
const JSON_OUTPUT = process.argv.includes('--json');
// With --json, stdout carries the one JSON line alone.
if (JSON_OUTPUT) console.log = (...args: unknown[]) => console.error(...args);
const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const PROFILE = process.env.BENCH_PROFILE === '1' || process.env.BENCH_PROFILE?.startsWith('heap') === true;
const KILL_CHECK_S = 3;

type Synchronous = 'FULL' | 'NORMAL';
type TargetName = 'bare' | Synchronous;
const TARGETS = (process.env.BENCH_TARGETS ?? 'bare,FULL,NORMAL')
  .split(',')
  .map((name) => name.trim()) as TargetName[];
for (const name of TARGETS) {
  if (!['bare', 'FULL', 'NORMAL'].includes(name)) throw new Error(`unknown target ${name}`);
}

// ---------------------------------------------------------------------------------------------------
// targets: each server in its own child process

interface Target {
  name: TargetName;
  label: string;
  child: ChildProcess;
  ready: ReadyMessage;
  exited: Promise<void>;
  /** Gateway only: payment intents created so far (each request of the flow has its own key). */
  created: number;
  /** Gateway only: intents authorized and captured, for the GET rounds. */
  captured: string[];
}

const labelOf = (name: TargetName) => (name === 'bare' ? 'bare express' : `gateway ${name}`);

const startTarget = (name: TargetName): Promise<Target> =>
  new Promise((resolve, reject) => {
    const execArgv = ['--require', 'tsx/cjs', ...(name === 'bare' ? [] : gatewayNodeFlags())];
    const child = fork(
      path.join(__dirname, 'target-server.ts'),
      name === 'bare' ? ['bare'] : ['gateway', name],
      { cwd: ROOT, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code) => reject(new Error(`${name} target exited (${code}) before it was ready`)));
    child.on('message', (message: ReadyMessage) => {
      if (message.type !== 'ready') return;
      resolve({
        name,
        label: labelOf(name),
        child,
        ready: message,
        exited,
        created: 0,
        captured: [],
      });
    });
  });

const usageOf = (target: Target): Promise<UsageMessage> =>
  new Promise((resolve) => {
    const listener = (message: UsageMessage) => {
      if (message.type !== 'usage') return;
      target.child.off('message', listener);
      resolve(message);
    };
    target.child.on('message', listener);
    target.child.send({ type: 'usage' });
  });

const profile = (target: Target, action: 'start' | 'stop', file?: string): Promise<void> =>
  new Promise((resolve) => {
    const listener = (message: { type?: string }) => {
      if (message.type !== 'profiled') return;
      target.child.off('message', listener);
      resolve();
    };
    target.child.on('message', listener);
    target.child.send({ type: 'profile', action, ...(file ? { file } : {}) });
  });

const closeTarget = async (target: Target) => {
  if (target.child.exitCode !== null || target.child.signalCode !== null) return;
  target.child.send({ type: 'close' });
  await target.exited;
};

// ---------------------------------------------------------------------------------------------------
// one autocannon run

interface Acknowledged {
  authorized: string[];
  captured: string[];
}

interface RoundResult {
  target: TargetName;
  round: number;
  /** The measurement window: the round's duration, or less when the intent pool ran dry. */
  durationS: number;
  truncated: boolean;
  /** Answers received inside the window. */
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** The server process's CPU time (user + system) per answered request. */
  serverCpuUsPerRequest: number;
  /** The server process's user-space instructions per answered request (perf), where perf counts them. */
  serverInstructionsPerRequest?: number;
  /** Share of the round the server's event loop was busy (1 = saturated). */
  serverEventLoopUtilization: number;
  /** The longest single hold-up of the server's event loop in the round (ms). */
  serverEventLoopMaxDelayMs: number;
  errors: { connection: number; non2xx: number; wrongBody: number };
  statusCodes: Record<string, number>;
  /** autocannon's own summary of the whole run (its latency histogram has 1 ms resolution). */
  autocannon: {
    requests: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
    errors: number;
    timeouts: number;
  };
}

const percentile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
};

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** What one run observes inside its measurement window; acknowledgements are kept whenever they come. */
interface Observed {
  open: boolean;
  wrongBody: number;
  acknowledged: Acknowledged;
}

/** Each connection loops: create an intent, authorize it, capture it, each with its own Idempotency-Key. */
const gatewayRequests = (target: Target, observed: Observed): autocannon.RequestStep[] => {
  const headers = { 'content-type': 'application/json', 'x-api-key': target.ready.apiKey as string };
  return [
    {
      method: 'POST',
      setupRequest: (request, context) => {
        context.id = undefined;
        return {
          ...request,
          path: '/v1/payment-intents',
          headers: { ...headers, 'idempotency-key': `bench-create-${target.created++}` },
          body: CREATE_BODY,
        };
      },
      onResponse: (status, body, context) => {
        const id = status === 201 ? /"id":"(pi_[^"]+)"/.exec(body)?.[1] : undefined;
        if (id) context.id = id;
        else if (status === 201 && observed.open) observed.wrongBody += 1;
      },
    },
    {
      method: 'POST',
      // No intent (its create failed, already counted): start the loop again.
      setupRequest: (request, context) =>
        context.id === undefined
          ? null
          : {
              ...request,
              path: `/v1/payment-intents/${context.id as string}/authorize`,
              headers: { ...headers, 'idempotency-key': `bench-auth-${context.id as string}` },
              body: AUTHORIZE_BODY,
            },
      onResponse: (status, body, context) => {
        if (status !== 200) return;
        if (body.includes('"status":"authorized"'))
          observed.acknowledged.authorized.push(context.id as string);
        else if (observed.open) observed.wrongBody += 1;
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) =>
        context.id === undefined
          ? null
          : {
              ...request,
              path: `/v1/payment-intents/${context.id as string}/capture`,
              headers: { ...headers, 'idempotency-key': `bench-cap-${context.id as string}` },
              body: CAPTURE_BODY,
            },
      onResponse: (status, body, context) => {
        if (status !== 200) return;
        if (body.includes('"status":"captured"')) {
          observed.acknowledged.captured.push(context.id as string);
          target.captured.push(context.id as string);
        } else if (observed.open) observed.wrongBody += 1;
      },
    },
  ];
};

const bareRequests = (observed: Observed): autocannon.RequestStep[] => {
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest: (request) => ({
        ...request,
        path: `/bare/req_${n++}`,
        headers: { 'content-type': 'application/json' },
        body: AUTHORIZE_BODY,
      }),
      onResponse: (status, body) => {
        if (status === 200 && !body.includes('"object":"echo"') && observed.open) observed.wrongBody += 1;
      },
    },
  ];
};

/**
 * Runs autocannon for `seconds` and measures inside a window of exactly that length (autocannon itself
 * stops at its next one-second tick): answers, their latencies (sub-millisecond, from every response)
 * and errors. With `killAfterMs`, SIGKILLs the target under load and stops.
 */
const runAutocannon = (
  target: Target,
  seconds: number,
  round: number,
  options: { killAfterMs?: number } = {},
): Promise<{ result: RoundResult; acknowledged: Acknowledged }> =>
  new Promise((resolve, reject) => {
    const observed: Observed = { open: true, wrongBody: 0, acknowledged: { authorized: [], captured: [] } };
    const latencies: number[] = [];
    const statusCodes: Record<string, number> = {};
    let connectionErrors = 0;
    const startedNs = process.hrtime.bigint();
    let closedNs: bigint | undefined;
    const close = () => {
      if (!observed.open) return;
      observed.open = false;
      closedNs = process.hrtime.bigint();
      clearTimeout(timer);
      instance.stop();
    };
    const timer = setTimeout(close, seconds * 1000);
    const instance = autocannon(
      {
        url: target.ready.url,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: target.name === 'bare' ? bareRequests(observed) : gatewayRequests(target, observed),
      },
      (error, result) => {
        if (error) return reject(error);
        close();
        const durationS = Number((closedNs as bigint) - startedNs) / 1e9;
        const sorted = Float64Array.from(latencies).sort();
        const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length);
        const non2xx = Object.entries(statusCodes)
          .filter(([code]) => !code.startsWith('2'))
          .reduce((sum, [, count]) => sum + count, 0);
        resolve({
          acknowledged: observed.acknowledged,
          result: {
            target: target.name,
            round,
            durationS: round3(durationS),
            truncated: durationS < seconds - 0.05,
            requests: latencies.length,
            requestsPerSecond: Math.round(latencies.length / durationS),
            latencyMs: {
              p50: round3(percentile(sorted, 50)),
              p90: round3(percentile(sorted, 90)),
              p99: round3(percentile(sorted, 99)),
              p999: round3(percentile(sorted, 99.9)),
              max: round3(percentile(sorted, 100)),
              mean: round3(mean),
            },
            serverCpuUsPerRequest: 0,
            serverEventLoopUtilization: 0,
            serverEventLoopMaxDelayMs: 0,
            errors: { connection: connectionErrors, non2xx, wrongBody: observed.wrongBody },
            statusCodes,
            autocannon: {
              requests: result.requests.total,
              latencyP50Ms: result.latency.p50,
              latencyP99Ms: result.latency.p99,
              errors: result.errors,
              timeouts: result.timeouts,
            },
          },
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (!observed.open) return;
      latencies.push(responseTime);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    });
    instance.on('reqError', () => {
      if (observed.open) connectionErrors += 1;
    });
    if (options.killAfterMs !== undefined) {
      setTimeout(() => {
        target.child.kill('SIGKILL');
        // Whatever was answered before the kill is acknowledged; nothing more can come.
        setTimeout(close, 50);
      }, options.killAfterMs);
    }
  });

/** The server's user-space instructions per answer, where perf can count them. */
const perRequest = (instructions: number | undefined, requests: number) =>
  instructions === undefined
    ? {}
    : { serverInstructionsPerRequest: Math.round(instructions / Math.max(1, requests)) };

const showInstructions = (perAnswer: number | undefined) =>
  perAnswer === undefined ? '' : `, ${(perAnswer / 1e6).toFixed(3)}M instructions/req`;

/** A measured round: autocannon plus the server's CPU time and event-loop utilisation over it. */
const measure = async (target: Target, seconds: number, round: number): Promise<RoundResult> => {
  const profiled = PROFILE && (process.env.BENCH_PROFILE_BARE === '1' || target.name !== 'bare');
  if (profiled) await profile(target, 'start');
  const counting = await countInstructions(target.child.pid as number);
  const before = await usageOf(target);
  const { result } = await runAutocannon(target, seconds, round);
  const after = await usageOf(target);
  const instructions = await counting.stop();
  if (profiled) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    await profile(target, 'stop', path.join(PROFILE_DIR, `gateway-${target.name}-round${round}.cpuprofile`));
  }
  const active = after.eventLoop.active - before.eventLoop.active;
  const idle = after.eventLoop.idle - before.eventLoop.idle;
  return {
    ...result,
    // Every answer of the run, also those after a window closed early.
    serverCpuUsPerRequest: Math.round((after.cpuUs - before.cpuUs) / Math.max(1, result.autocannon.requests)),
    ...perRequest(instructions, result.autocannon.requests),
    serverEventLoopUtilization: Math.round((active / Math.max(1e-9, active + idle)) * 1000) / 1000,
    serverEventLoopMaxDelayMs: after.eventLoopMaxDelayMs,
  };
};

// ---------------------------------------------------------------------------------------------------
// GET: one resource by id, next to a bare GET

interface GetRound {
  target: TargetName;
  round: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  /** CPU time of the server process per request: steadier than req/s on a shared machine. */
  serverCpuUsPerRequest: number;
  /** User-space instructions of the server process per request (perf), steadier still. */
  serverInstructionsPerRequest?: number;
}

/** GETs the intents the command rounds captured, in turn (the bare route: the same ids, echoed). */
const runGet = (
  target: Target,
  ids: readonly string[],
  seconds: number,
  round: number,
): Promise<Omit<GetRound, 'serverCpuUsPerRequest' | 'serverInstructionsPerRequest'> & { requests: number }> =>
  new Promise((resolve, reject) => {
    let n = 0;
    const headers: Record<string, string> =
      target.name === 'bare' ? {} : { 'x-api-key': target.ready.apiKey as string };
    const prefix = target.name === 'bare' ? '/bare' : '/v1/payment-intents';
    autocannon(
      {
        url: target.ready.url,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: `${prefix}/${ids[n++ % ids.length]}`, headers }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          target: target.name,
          round,
          requestsPerSecond: Math.round(result.requests.total / result.duration),
          requests: result.requests.total,
          p99Ms: result.latency.p99,
          errors: result.errors + result.timeouts + result.non2xx,
        });
      },
    );
  });

const errorCount = (errors: RoundResult['errors']) => errors.connection + errors.non2xx + errors.wrongBody;

// ---------------------------------------------------------------------------------------------------
// durability: SIGKILL the gateway under load, reopen its SQLite file, find every acknowledged command

interface KillCheck {
  target: Synchronous;
  acknowledgedAuthorizations: number;
  acknowledgedCaptures: number;
  missingAuthorizations: number;
  missingCaptures: number;
}

const killCheck = async (target: Target & { name: Synchronous }): Promise<KillCheck> => {
  const { acknowledged } = await runAutocannon(target, KILL_CHECK_S, 0, {
    killAfterMs: (KILL_CHECK_S * 1000) / 2,
  });
  await target.exited;
  const dataDir = target.ready.dataDir as string;
  const store = createEventStore({ dataDir, synchronous: target.name });
  try {
    const events = await store.readAll({});
    const found = { PaymentIntentAuthorized: new Set<string>(), PaymentIntentCaptured: new Set<string>() };
    for (const event of events) {
      if (event.type === 'PaymentIntentAuthorized' || event.type === 'PaymentIntentCaptured') {
        found[event.type].add(event.streamName.replace(/^payment_intent-/, ''));
      }
    }
    return {
      target: target.name,
      acknowledgedAuthorizations: acknowledged.authorized.length,
      acknowledgedCaptures: acknowledged.captured.length,
      missingAuthorizations: acknowledged.authorized.filter((id) => !found.PaymentIntentAuthorized.has(id))
        .length,
      missingCaptures: acknowledged.captured.filter((id) => !found.PaymentIntentCaptured.has(id)).length,
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------------------------------------------
// report

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

interface Summary {
  target: TargetName;
  label: string;
  rounds: number;
  medianRequestsPerSecond: number;
  medianP50Ms: number;
  medianP99Ms: number;
  medianServerCpuUsPerRequest: number;
  /** Median req/s over the bare route's median req/s. */
  ratioToBare: number | null;
  /** Median over rounds of (this target's req/s / the bare route's req/s in the same round). */
  pairedRatioToBare: number | null;
  errors: number;
  requests: number;
}

/**
 * Per target, the median of the server's instructions per request, and the bare route's as a share of it:
 * what the req/s ratio would be if time followed instructions. It does not quite (cache misses, system calls,
 * I/O waits), but it hardly moves with the machine's load, so it shows a change in the code where the rates
 * cannot.
 */
const printInstructionRatios = (
  figure: string,
  rounds: readonly { target: TargetName; serverInstructionsPerRequest?: number }[],
): void => {
  const medianOf = (name: TargetName) => {
    const counted = rounds
      .filter((round) => round.target === name)
      .flatMap((round) =>
        round.serverInstructionsPerRequest === undefined ? [] : [round.serverInstructionsPerRequest],
      );
    return counted.length === 0 ? undefined : median(counted);
  };
  const bare = medianOf('bare');
  for (const name of TARGETS.filter((target) => target !== 'bare')) {
    const gateway = medianOf(name);
    if (bare === undefined || gateway === undefined) continue;
    console.log(
      `${figure}, instructions per request (median, perf): bare ${(bare / 1e6).toFixed(3)}M, ` +
        `${labelOf(name)} ${(gateway / 1e6).toFixed(3)}M, bare/gateway ${(bare / gateway).toFixed(3)}`,
    );
  }
};

const summarise = (rounds: RoundResult[]): Summary[] => {
  const summaries = TARGETS.map((name): Summary => {
    const mine = rounds.filter((round) => round.target === name);
    return {
      target: name,
      label: labelOf(name),
      rounds: mine.length,
      medianRequestsPerSecond: Math.round(median(mine.map((round) => round.requestsPerSecond))),
      medianP50Ms: round3(median(mine.map((round) => round.latencyMs.p50))),
      medianP99Ms: round3(median(mine.map((round) => round.latencyMs.p99))),
      medianServerCpuUsPerRequest: Math.round(median(mine.map((round) => round.serverCpuUsPerRequest))),
      ratioToBare: null,
      pairedRatioToBare: null,
      errors: mine.reduce((sum, round) => sum + errorCount(round.errors), 0),
      requests: mine.reduce((sum, round) => sum + round.requests, 0),
    };
  });
  const bare = summaries.find((summary) => summary.target === 'bare');
  const bareRound = new Map(
    rounds.filter((round) => round.target === 'bare').map((round) => [round.round, round.requestsPerSecond]),
  );
  for (const summary of summaries) {
    if (!bare || bare.medianRequestsPerSecond === 0) continue;
    summary.ratioToBare =
      Math.round((summary.medianRequestsPerSecond / bare.medianRequestsPerSecond) * 1e4) / 1e4;
    const paired = rounds
      .filter((round) => round.target === summary.target && (bareRound.get(round.round) ?? 0) > 0)
      .map((round) => round.requestsPerSecond / (bareRound.get(round.round) as number));
    if (paired.length > 0) summary.pairedRatioToBare = Math.round(median(paired) * 1e4) / 1e4;
  }
  return summaries;
};

const printTable = (summaries: Summary[]) => {
  const rows = [
    [
      'target',
      'req/s (median)',
      'vs bare',
      'vs bare (paired)',
      'p50 ms',
      'p99 ms',
      'server CPU us/req',
      'requests',
      'errors',
    ],
    ...summaries.map((summary) => [
      summary.label,
      String(summary.medianRequestsPerSecond),
      summary.ratioToBare === null ? '-' : `${(summary.ratioToBare * 100).toFixed(2)}%`,
      summary.pairedRatioToBare === null ? '-' : `${(summary.pairedRatioToBare * 100).toFixed(2)}%`,
      summary.medianP50Ms.toFixed(2),
      summary.medianP99Ms.toFixed(2),
      String(summary.medianServerCpuUsPerRequest),
      String(summary.requests),
      String(summary.errors),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
};

// ---------------------------------------------------------------------------------------------------

const main = async () => {
  const started = Date.now();
  const machine = {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
  const settings = {
    rounds: ROUNDS,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    connections: CONNECTIONS,
    pipelining: 1,
    targets: TARGETS,
    profile: PROFILE,
    gateway: 'production build (dist/, plain node)',
  };
  console.log(`machine: ${JSON.stringify(machine)}`);
  console.log(`settings: ${JSON.stringify(settings)}`);

  ensureProductionBuild();
  const targets: Target[] = [];
  try {
    for (const name of TARGETS) targets.push(await startTarget(name));

    // Warm-up (JIT, SQLite page cache), not counted.
    for (const target of targets) {
      const { result } = await runAutocannon(target, WARMUP_S, 0);
      console.log(`warm-up ${target.label}: ${result.requestsPerSecond} req/s`);
    }

    const rounds: RoundResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        const result = await measure(target, DURATION_S, round);
        rounds.push(result);
        console.log(
          `round ${round} ${target.label}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, ` +
            `p99 ${result.latencyMs.p99} ms, server CPU ${result.serverCpuUsPerRequest} us/req` +
            `${showInstructions(result.serverInstructionsPerRequest)}, ` +
            `event loop ${Math.round(result.serverEventLoopUtilization * 100)}% busy ` +
            `(longest hold-up ${result.serverEventLoopMaxDelayMs} ms), errors ${errorCount(result.errors)}`,
        );
      }
    }

    const captured = targets.flatMap((target) => target.captured);
    const getRounds: GetRound[] = [];
    if (captured.length > 0) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const target of targets) {
          const profiled = PROFILE && (process.env.BENCH_PROFILE_BARE === '1' || target.name !== 'bare');
          if (profiled) await profile(target, 'start');
          const counting = await countInstructions(target.child.pid as number);
          const usageBefore = await usageOf(target);
          const { requests, ...measured } = await runGet(target, captured, DURATION_S, round);
          const usageAfter = await usageOf(target);
          const instructions = await counting.stop();
          const result: GetRound = {
            ...measured,
            serverCpuUsPerRequest: Math.round((usageAfter.cpuUs - usageBefore.cpuUs) / Math.max(1, requests)),
            ...perRequest(instructions, requests),
          };
          if (profiled) {
            mkdirSync(PROFILE_DIR, { recursive: true });
            await profile(
              target,
              'stop',
              path.join(PROFILE_DIR, `get-${target.name}-round${round}.cpuprofile`),
            );
          }
          getRounds.push(result);
          console.log(
            `GET round ${round} ${target.label}: ${result.requestsPerSecond} req/s, p99 ${result.p99Ms} ms, ` +
              `server CPU ${result.serverCpuUsPerRequest} us/req${showInstructions(result.serverInstructionsPerRequest)}, ` +
              `errors ${result.errors}`,
          );
        }
      }
    }

    const killChecks: KillCheck[] = [];
    if (!PROFILE) {
      for (const target of targets) {
        if (target.name === 'bare') continue;
        const check = await killCheck(target as Target & { name: Synchronous });
        killChecks.push(check);
        console.log(
          `SIGKILL under load, gateway ${check.target}: ${check.acknowledgedAuthorizations} acknowledged ` +
            `authorizations (${check.missingAuthorizations} missing after restart), ` +
            `${check.acknowledgedCaptures} acknowledged captures (${check.missingCaptures} missing)`,
        );
      }
    }

    const summaries = summarise(rounds);
    console.log('');
    printTable(summaries);
    console.log('');
    console.log(
      'Medians over rounds. Gateway requests cycle create, authorize, capture (flows/s = req/s / 3).',
    );
    console.log('"paired": median of the per-round ratios to the bare round just before. Errors count');
    console.log('connection errors, timeouts, non-2xx answers and 200s whose body had the wrong status.');

    const getSummaries = TARGETS.map((name) => {
      const mine = getRounds.filter((round) => round.target === name);
      return {
        target: name,
        label: labelOf(name),
        medianRequestsPerSecond: Math.round(median(mine.map((round) => round.requestsPerSecond))),
        medianP99Ms: median(mine.map((round) => round.p99Ms)),
        medianServerCpuUsPerRequest: Math.round(median(mine.map((round) => round.serverCpuUsPerRequest))),
        errors: mine.reduce((sum, round) => sum + round.errors, 0),
      };
    });
    for (const summary of getSummaries) {
      console.log(
        `GET ${summary.label}: ${summary.medianRequestsPerSecond} req/s (median), p99 ${summary.medianP99Ms} ms, ` +
          `server CPU ${summary.medianServerCpuUsPerRequest} us/req, errors ${summary.errors}`,
      );
    }
    printInstructionRatios('create+authorize+capture', rounds);
    printInstructionRatios('GET', getRounds);

    const bareCommand = summaries.find((summary) => summary.target === 'bare');
    const bareGet = getSummaries.find((summary) => summary.target === 'bare');
    const ratio = (value: number, base: number | undefined) =>
      base ? Math.round((value / base) * 1e4) / 1e4 : null;
    const rows = [
      ...summaries
        .filter((summary) => summary.target !== 'bare')
        .map((summary) => ({
          figure: `create+authorize+capture, ${CONNECTIONS} connections, ${summary.label} (req/s)`,
          baseline: bareCommand?.medianRequestsPerSecond ?? null,
          gateway: summary.medianRequestsPerSecond,
          ratio: ratio(summary.medianRequestsPerSecond, bareCommand?.medianRequestsPerSecond),
          gatewayP99Ms: summary.medianP99Ms,
          errors: summary.errors,
        })),
      ...getSummaries
        .filter((summary) => summary.target !== 'bare')
        .map((summary) => ({
          figure: `GET /v1/payment-intents/{id}, ${CONNECTIONS} connections, ${summary.label} (req/s)`,
          baseline: bareGet?.medianRequestsPerSecond ?? null,
          gateway: summary.medianRequestsPerSecond,
          ratio: ratio(summary.medianRequestsPerSecond, bareGet?.medianRequestsPerSecond),
          gatewayP99Ms: summary.medianP99Ms,
          errors: summary.errors,
        })),
    ];
    if (JSON_OUTPUT) printJson({ rows });

    const report = {
      kind: 'edgepay-command-path-bench',
      startedAt: new Date(started).toISOString(),
      elapsedS: Math.round((Date.now() - started) / 100) / 10,
      machine,
      settings,
      summaries,
      rounds,
      getSummaries,
      getRounds,
      killChecks,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    if (!PROFILE && TARGETS.length === 3) copyFileSync(file, path.join(RESULTS_DIR, 'latest.json'));
    console.log(`\nraw results: ${path.relative(ROOT, file)} (${report.elapsedS} s)`);

    const failed =
      summaries.some((summary) => summary.errors > 0) ||
      getSummaries.some((summary) => summary.errors > 0) ||
      killChecks.some((check) => check.missingAuthorizations + check.missingCaptures > 0);
    if (failed) {
      console.error('FAILED: errors during the run or acknowledged commands missing after SIGKILL');
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(targets.map(closeTarget));
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
