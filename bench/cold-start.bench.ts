/**
 * Cold start and idle cost, each target in its own process started as `edgepay start` is (tsx):
 * - empty store: time from spawn until `/health/ready` answers 200, gateway vs a bare express app;
 * - 1M events (an SQLite event file copied into a fresh data directory): time until ready, the slowest
 *   `/health/live` answer from listening to ready (probed every 100 ms; a miss counts), peak RSS;
 * - idle CPU once ready, at 10k events vs 1M events: the process's CPU time over BENCH_IDLE_S seconds,
 *   from 3 s after ready or, if later, once a second of CPU falls under 20 % of a core (settled).
 *
 *   npx tsx bench/cold-start.bench.ts [--json]
 *
 * Knobs: BENCH_ROUNDS (3, empty store), BENCH_IDLE_S (15), BENCH_LOADED_SIZES (10000,1000000).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventFile } from './fixtures/event-files';
import { intEnv, median, note, printRows, type BenchRow } from './support/rows';

const count = (events: number): string =>
  events >= 1_000_000 ? `${events / 1_000_000}M` : `${events / 1000}k`;
import { probe, spawnServer, type SpawnedServer } from './support/spawned-server';
import { gatewayNodeFlags } from './support/production-flags';

const GATEWAY = ['src/cli/edgepay.ts', ['start']] as const;
const BARE = ['bench/support/bare-server.ts', []] as const;

const withDataDir = async <T>(events: string | undefined, run: (dataDir: string) => Promise<T>) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'edgepay-bench-cold-'));
  try {
    if (events) copyFileSync(events, path.join(dataDir, 'edgepay.sqlite'));
    return await run(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const start = (target: typeof GATEWAY | typeof BARE, dataDir: string): SpawnedServer =>
  spawnServer(
    target[0],
    [...target[1]],
    { EDGEPAY_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    target === GATEWAY ? gatewayNodeFlags() : [],
  );

/** Spawn to the first 200 from /health/ready, in ms. */
const timeToReady = (target: typeof GATEWAY | typeof BARE) =>
  withDataDir(undefined, async (dataDir) => {
    const started = performance.now();
    const server = start(target, dataDir);
    try {
      const url = await server.listening;
      while ((await probe(`${url}/health/ready`)).status !== 200) await sleep(5);
      return performance.now() - started;
    } finally {
      await server.stop();
    }
  });

interface Loaded {
  events: number;
  listenMs: number;
  readyMs: number;
  slowestLiveMs: number;
  liveMisses: number;
  liveProbes: number;
  peakRssMb: number;
  /** When a second of the process's CPU first fell under 20 % after ready (the idle window starts then). */
  settledMs: number;
  idleCpuPercent: number;
}

const loadedRun = (events: number) =>
  withDataDir(undefined, async (dataDir) => {
    copyFileSync(await eventFile(events), path.join(dataDir, 'edgepay.sqlite'));
    const started = performance.now();
    const server = start(GATEWAY, dataDir);
    try {
      const url = await server.listening;
      const listenMs = performance.now() - started;
      let slowestLiveMs = 0;
      let liveMisses = 0;
      let liveProbes = 0;
      for (;;) {
        const live = await probe(`${url}/health/live`, 10_000);
        liveProbes += 1;
        if (live.status !== 200) liveMisses += 1;
        slowestLiveMs = Math.max(slowestLiveMs, live.ms);
        if ((await probe(`${url}/health/ready`, 10_000)).status === 200) break;
        await sleep(100);
      }
      const readyMs = performance.now() - started;
      await sleep(3_000);
      // Background work left after ready (the webhook dispatcher's first read of a history it has no
      // checkpoint for) is not idling: wait until a second uses under a fifth of a core, at most a minute.
      for (let second = 0; second < 60; second++) {
        const cpu = server.cpuSeconds();
        await sleep(1_000);
        if (server.cpuSeconds() - cpu < 0.2) break;
      }
      const settledMs = performance.now() - started;
      const idleSeconds = intEnv('BENCH_IDLE_S', 15);
      const before = server.cpuSeconds();
      await sleep(idleSeconds * 1000);
      const idleCpuPercent = ((server.cpuSeconds() - before) / idleSeconds) * 100;
      const result: Loaded = {
        events,
        listenMs,
        readyMs,
        settledMs,
        slowestLiveMs,
        liveMisses,
        liveProbes,
        peakRssMb: server.peakRssMb(),
        idleCpuPercent,
      };
      note(`${events} events: ${JSON.stringify(result)}`);
      return result;
    } finally {
      await server.stop();
    }
  });

const main = async () => {
  const rows: BenchRow[] = [];
  const bare: number[] = [];
  const gateway: number[] = [];
  for (let round = 1; round <= intEnv('BENCH_ROUNDS', 3); round++) {
    bare.push(await timeToReady(BARE));
    gateway.push(await timeToReady(GATEWAY));
    note(
      `empty store, round ${round}: bare ${Math.round(bare.at(-1) ?? 0)} ms, gateway ${Math.round(gateway.at(-1) ?? 0)} ms`,
    );
  }
  rows.push({
    figure: 'cold start to ready, empty store',
    baseline: `bare express ${Math.round(median(bare))} ms`,
    gateway: `${Math.round(median(gateway))} ms`,
    ratio: `${(median(gateway) / median(bare)).toFixed(1)}x`,
  });

  const sizes = (process.env.BENCH_LOADED_SIZES ?? '10000,1000000').split(',').map(Number);
  const loaded: Loaded[] = [];
  for (const size of sizes) loaded.push(await loadedRun(size));
  const largest = loaded.at(-1);
  const smallest = loaded[0];
  if (largest) {
    rows.push({
      figure: `cold start to ready, ${count(largest.events)} events`,
      baseline: 'target 15 s',
      gateway:
        `${(largest.readyMs / 1000).toFixed(1)} s (listening at ${(largest.listenMs / 1000).toFixed(1)} s; ` +
        `/health/live slowest ${Math.round(largest.slowestLiveMs)} ms, ${largest.liveMisses} of ${largest.liveProbes} missed), ` +
        `peak RSS ${Math.round(largest.peakRssMb)} MB`,
      ratio: `${(largest.readyMs / 15_000).toFixed(2)}x of target`,
    });
  }
  if (smallest && largest && smallest !== largest) {
    rows.push({
      figure: 'idle CPU once ready and settled',
      baseline: `${count(smallest.events)} events ${smallest.idleCpuPercent.toFixed(2)} % of a core`,
      gateway:
        `${count(largest.events)} events ${largest.idleCpuPercent.toFixed(2)} % of a core ` +
        `(settled at ${(largest.settledMs / 1000).toFixed(1)} s)`,
      ratio: `${(largest.idleCpuPercent / Math.max(smallest.idleCpuPercent, 0.01)).toFixed(2)}x`,
    });
  }
  printRows(rows);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
