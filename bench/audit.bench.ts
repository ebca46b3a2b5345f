/**
 * Audit benchmark: export and verify of a million events, next to a bare scan of the same store, in one
 * run with alternating rounds. See bench/README.md ("Audit: export and verify").
 *
 *   npm run bench:audit
 *
 * Knobs (environment): BENCH_EVENTS (1000000), BENCH_EVENTS_PER_STREAM (5), BENCH_ROUNDS (3).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportHistory } from '../src/audit/export-history';
import { scanStore, type ScanProgress } from '../src/audit/scan-store';
import { verifyExport, verifyStore } from '../src/audit/verify-sources';
import { loadAuditSigningKey } from '../src/audit/signing-key';
import { createCheckpoint } from '../src/audit/audit-checkpoints';
import { createProgress } from '../src/cli/progress';
import { systemClock } from '../src/infrastructure/clock';
import type { NewEvent } from '../src/infrastructure/event-store/event-store';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { intEnv } from './support/rows';

const EVENTS = intEnv('BENCH_EVENTS', 1_000_000);
const PER_STREAM = intEnv('BENCH_EVENTS_PER_STREAM', 5);
const ROUNDS = intEnv('BENCH_ROUNDS', 3);

/** Payment-intent-shaped events: about the size of the real ones. */
const paymentEvents = (streamIndex: number, count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: i === 0 ? 'PaymentIntentCreated' : 'PaymentIntentAuthorized',
    data: {
      paymentIntentId: `pi_${streamIndex}`,
      merchantId: `mer_${streamIndex % 50}`,
      terminalId: null,
      amount: 10_000 + i,
      currency: 'TRY',
      paymentMethodType: 'card_present',
      metadata: { order: `ord_${streamIndex}_${i}` },
      createdAt: '2026-03-02T09:00:00.000Z',
    },
    metadata: {
      correlationId: `req_${streamIndex}_${i}`,
      actor: { id: 'key_bench', kind: 'api_key' },
      idempotencyKey: `idem_${streamIndex}_${i}`,
      occurredAt: '2026-03-02T09:00:00.000Z',
      schemaVersion: 1,
    },
  }));

const progressOf = (label: string) => {
  const bar = createProgress(label, { forced: true });
  return {
    bar,
    onProgress: ({ done, head, position }: ScanProgress) =>
      bar.update(done, head && position ? Number(position) / Number(head) : 0),
  };
};

const generate = async (file: string): Promise<number> => {
  const store = new SqliteEventStore(file, { synchronous: 'NORMAL' });
  const bar = createProgress('generate', { forced: true });
  const started = performance.now();
  let written = 0;
  for (let stream = 0; written < EVENTS; stream += 1) {
    const count = Math.min(PER_STREAM, EVENTS - written);
    // One append per stream: one transaction of `count` events, through the adapter's own append path.
    await store.appendToStream(`payment_intent-pi_${stream}`, paymentEvents(stream, count), 'no_stream');
    written += count;
    if (stream % 2_000 === 0) bar.update(written, written / EVENTS);
  }
  bar.finish(written);
  const signingKey = loadAuditSigningKey(undefined);
  await createCheckpoint({ eventStore: store, signingKey, clock: systemClock });
  await store.close();
  return (performance.now() - started) / 1000;
};

type Task = 'scan' | 'export' | 'verify-store' | 'verify-export';
const TASKS: Task[] = ['scan', 'export', 'verify-store', 'verify-export'];

const run = async (task: Task, file: string, exportFile: string): Promise<number> => {
  const store = new SqliteEventStore(file, { synchronous: 'NORMAL' });
  const publicKey = loadAuditSigningKey(undefined).publicKey;
  const { bar, onProgress } = progressOf(task);
  const started = performance.now();
  let events = 0;
  try {
    if (task === 'scan') {
      for await (const _event of scanStore(store, onProgress)) events += 1;
    } else if (task === 'export') {
      events = (await exportHistory({ eventStore: store, clock: systemClock, onProgress }, {}, exportFile))
        .eventCount;
    } else if (task === 'verify-store') {
      const report = await verifyStore(store, { publicKey, onProgress });
      if (!report.ok) throw new Error(`verify found breaks: ${JSON.stringify(report.breaks.slice(0, 3))}`);
      events = report.eventCount;
    } else {
      const report = await verifyExport(exportFile, { publicKey, onProgress });
      if (!report.ok) throw new Error(`verify found breaks: ${JSON.stringify(report.breaks.slice(0, 3))}`);
      events = report.eventCount;
    }
  } finally {
    await store.close();
  }
  bar.finish(events);
  return events / ((performance.now() - started) / 1000);
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgepay-audit-bench-'));
  const file = path.join(dir, 'events.sqlite');
  const exportFile = path.join(dir, 'events.ndjson');
  try {
    const generateSeconds = await generate(file);
    process.stdout.write(`generated ${EVENTS} events in ${generateSeconds.toFixed(1)} s\n`);
    // One export first, so verify-export has a file in round 1 too.
    await run('export', file, exportFile);
    const rates: Record<Task, number[]> = { scan: [], export: [], 'verify-store': [], 'verify-export': [] };
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const task of TASKS) {
        const rate = await run(task, file, exportFile);
        rates[task].push(rate);
        process.stdout.write(`round ${round} ${task.padEnd(13)} ${Math.round(rate)} events/s\n`);
      }
    }
    const scan = median(rates.scan);
    const summary = TASKS.map((task) => ({
      task,
      medianEventsPerSecond: Math.round(median(rates[task])),
      secondsPerMillion: Number((1_000_000 / median(rates[task])).toFixed(1)),
      ratioToScan: Number((median(rates[task]) / scan).toFixed(2)),
    }));
    console.table(summary);
    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      events: EVENTS,
      eventsPerStream: PER_STREAM,
      rounds: ROUNDS,
      storeBytes: statSync(file).size,
      exportBytes: statSync(exportFile).size,
      generateSeconds,
      rates,
      summary,
    };
    const resultsDir = path.join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'audit-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
