/**
 * The command handler alone, in process: create, authorize and capture of fresh payment intents through
 * `commandHandlerFor` on a SQLite file (NORMAL, so no sync waits), each command with its own
 * Idempotency-Key as over HTTP. Prints the CPU time per command; compare trees by running it alternately
 * in each (the figure in bench/README.md, decision 0026, was taken so).
 *
 *   npx tsx bench/command-handler.bench.ts [--json]     # BENCH_INTENTS (3000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext } from '../src/commands/command-context';
import { commandHandlerFor } from '../src/commands/command-handler';
import { paymentIntentAggregate } from '../src/commands/payment-intents/payment-intent.service';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { authorize, capture, create } from '../test/domain/payment-intent/payment-intent.fixtures';
import { note, printRows } from './support/rows';

const INTENTS = Number(process.env.BENCH_INTENTS ?? 3000);
const WARM_UP = 300;

const context = (key: string): CommandContext => ({
  correlationId: 'req_bench',
  actor: { id: 'key_bench', kind: 'api_key' },
  idempotency: { scope: 'key_bench', key },
});

const main = async () => {
  if (!Number.isInteger(INTENTS) || INTENTS <= 0) throw new Error('BENCH_INTENTS must be a positive integer');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgepay-handler-bench-'));
  const store = new SqliteEventStore(path.join(dir, 'events.sqlite'), { synchronous: 'NORMAL' });
  try {
    const handler = commandHandlerFor(store, paymentIntentAggregate);
    for (let i = 0; i < WARM_UP; i++) await handler.handle(`pi_warm${i}`, create(), context(`warm${i}`));
    const cpu = process.cpuUsage();
    for (let i = 0; i < INTENTS; i++) {
      await handler.handle(`pi_${i}`, create(), context(`create${i}`));
      await handler.handle(`pi_${i}`, authorize(), context(`authorize${i}`));
      await handler.handle(`pi_${i}`, capture(4_000), context(`capture${i}`));
    }
    const used = process.cpuUsage(cpu);
    const perCommand = (used.user + used.system) / (3 * INTENTS);
    note(`${perCommand.toFixed(1)} us of CPU per command (${3 * INTENTS} commands)`);
    printRows([
      {
        figure: 'command handler alone, in process (create, authorize, capture)',
        baseline: 'none (compare trees by alternate runs)',
        gateway: `${perCommand.toFixed(1)} us of CPU per command`,
        ratio: '-',
      },
    ]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
