/**
 * Read-model rebuild: events per second from an SQLite event file into the in-memory read store, next to
 * the floor any rebuild has to pay (better-sqlite3 reading every row and JSON.parse of data and
 * metadata), at 100k and 1M events. Each measurement runs in a fresh child process (no warm caches, no
 * garbage from the previous one); baseline and rebuild alternate, medians over the rounds.
 *
 *   npx tsx bench/rebuild.bench.ts [--json]
 *
 * Knobs: BENCH_ROUNDS (3, at 100k), BENCH_ROUNDS_1M (1), BENCH_SIZES (100000,1000000).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { MemoryReadStore } from '../src/infrastructure/read-store/memory-read-store';
import { rebuildReadModels } from '../src/projections/rebuild-read-models';
import { eventFile } from './fixtures/event-files';
import { formatRate, intEnv, median, note, percent, printRows, type BenchRow } from './support/rows';

interface Measurement {
  events: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

const measure = async (what: 'baseline' | 'rebuild', file: string): Promise<Measurement> => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let events = 0;
  if (what === 'baseline') {
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{
      data: string;
      metadata: string;
    }>;
    for (const row of rows) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      events += 1;
    }
    db.close();
  } else {
    const eventStore = new SqliteEventStore(file);
    ({ events } = await rebuildReadModels({ eventStore, readStore: new MemoryReadStore() }));
    await eventStore.close();
  }
  const used = process.cpuUsage(cpu);
  return {
    events,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
};

const inChild = (what: string, file: string): Measurement =>
  JSON.parse(
    execFileSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--child', what, file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    }),
  ) as Measurement;

const main = async () => {
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const file = await eventFile(size);
    const rounds = size >= 1_000_000 ? intEnv('BENCH_ROUNDS_1M', 1) : intEnv('BENCH_ROUNDS', 3);
    const baseline: Measurement[] = [];
    const rebuild: Measurement[] = [];
    for (let round = 1; round <= rounds; round++) {
      baseline.push(inChild('baseline', file));
      rebuild.push(inChild('rebuild', file));
      const [b, r] = [baseline.at(-1), rebuild.at(-1)];
      note(
        `${size} events, round ${round}: baseline ${Math.round((b?.events ?? 0) / (b?.seconds ?? 1))} ev/s, ` +
          `rebuild ${Math.round((r?.events ?? 0) / (r?.seconds ?? 1))} ev/s ` +
          `(cpu ${Math.round((r?.events ?? 0) / (r?.cpuSeconds ?? 1))} ev/s, peak RSS ${Math.round(r?.peakRssMb ?? 0)} MB)`,
      );
    }
    const rate = (runs: Measurement[], seconds: (run: Measurement) => number) =>
      median(runs.map((run) => run.events / seconds(run)));
    const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
    const wall = [rate(baseline, (run) => run.seconds), rate(rebuild, (run) => run.seconds)] as const;
    const cpu = [rate(baseline, (run) => run.cpuSeconds), rate(rebuild, (run) => run.cpuSeconds)] as const;
    rows.push({
      figure: `read-model rebuild, ${label} events`,
      baseline: `better-sqlite3 read + JSON.parse ${formatRate(wall[0], 'ev/s')}`,
      gateway: `${formatRate(wall[1], 'ev/s')} (CPU time: ${formatRate(cpu[1], 'ev/s')} vs ${formatRate(cpu[0], 'ev/s')}), peak RSS ${Math.round(median(rebuild.map((run) => run.peakRssMb)))} MB`,
      ratio: percent(wall[1] / wall[0]),
    });
  }
  printRows(rows);
};

if (process.argv[2] === '--child') {
  const [what, file] = process.argv.slice(3);
  void measure(what as 'baseline' | 'rebuild', path.resolve(file ?? '')).then((result) =>
    process.stdout.write(JSON.stringify(result)),
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
