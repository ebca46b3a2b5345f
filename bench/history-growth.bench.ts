/**
 * Costs that must not grow with history, measured side by side in one gateway (embedded default,
 * SQLITE_SYNCHRONOUS=FULL, in process, over HTTP on 127.0.0.1):
 *
 *   - PUT /v1/adhoc-charges/{id}/progress on a charge at reading 50 vs one at reading 1,000;
 *   - POST /v1/terminals/{id}/health-events (a heartbeat) on a terminal after 50 vs 50,000 heartbeats.
 *
 * Rounds alternate the short and the long history; each round times BENCH_SAMPLES requests on each.
 * Prints medians and ratios; `--json` prints the rows as one JSON line for the aggregator.
 *
 *   npx tsx bench/history-growth.bench.ts [--json]
 *
 * Knobs (environment): BENCH_ROUNDS (5), BENCH_SAMPLES (20), BENCH_LONG_CHARGE (1000),
 * BENCH_LONG_TERMINAL (50000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chargeSessionAggregate } from '../src/commands/charges/charge.service';
import { EVENT_SCHEMA_VERSION, type AggregateDefinition } from '../src/commands/command-handler';
import { terminalAggregate } from '../src/commands/terminals/terminal.service';
import type { DomainEvent } from '../src/domain/shared/decider';
import { ManualClock } from '../src/infrastructure/clock';
import { loadConfig } from '../src/infrastructure/config';
import { createEventStore } from '../src/infrastructure/event-store/create-event-store';
import type { EventStore, NewEvent } from '../src/infrastructure/event-store/event-store';
import { newUuid } from '../src/infrastructure/ids';
import { silentLogger } from '../src/infrastructure/logging/logger';
import { startGateway } from '../src/runtime/gateway';
import { energyTariff, startChargingHarness } from '../test/http/adhoc-charges.fixtures';
import { OPERATOR_SCOPES, registerTerminal } from '../test/http/terminals.fixtures';
import { intEnv } from './support/rows';

const ROUNDS = intEnv('BENCH_ROUNDS', 5);
const SAMPLES = intEnv('BENCH_SAMPLES', 20);
const SHORT = 50;
const LONG_CHARGE = intEnv('BENCH_LONG_CHARGE', 1000);
const LONG_TERMINAL = intEnv('BENCH_LONG_TERMINAL', 50_000);
const JSON_OUTPUT = process.argv.includes('--json');
const log = (line: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${line}\n`);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const timed = async (send: () => Promise<{ status: number; body: string }>): Promise<number> => {
  const started = performance.now();
  const response = await send();
  const elapsed = performance.now() - started;
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`unexpected ${response.status}: ${response.body}`);
  }
  return elapsed;
};

// ---------------------------------------------------------------------------------------------------
// history written straight into the store through each aggregate's own decider, in large appends

const MINUTE = 60_000;
const at = (from: string, minutes: number) => new Date(Date.parse(from) + minutes * MINUTE).toISOString();

const seed = async <State, Command extends { now: string }, Event extends DomainEvent, View>(
  eventStore: EventStore,
  aggregate: AggregateDefinition<State, Command, Event, View>,
  id: string,
  commands: Iterable<Command>,
) => {
  const { decider, codec } = aggregate;
  const streamName = aggregate.streamName(id);
  const stored = await eventStore.readStream(streamName);
  let state = stored.map((event) => codec.parse(event)).reduce(decider.evolve, decider.initialState());
  let revision = stored.length - 1;
  let batch: NewEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await eventStore.appendToStream(streamName, batch, revision);
    revision += batch.length;
    batch = [];
  };
  for (const command of commands) {
    for (const event of decider.decide(command, state)) {
      state = decider.evolve(state, event);
      batch.push({
        id: newUuid(),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: {
          correlationId: 'bench-seed',
          actor: { id: 'system', kind: 'system' },
          occurredAt: command.now,
          schemaVersion: EVENT_SCHEMA_VERSION,
        },
      });
    }
    if (batch.length >= 1000) await flush();
  }
  await flush();
};

function* readings(activatedAt: string, from: number, to: number) {
  for (let minute = from; minute <= to; minute++) {
    const measuredAt = at(activatedAt, minute);
    yield {
      type: 'RecordChargeProgress' as const,
      now: measuredAt,
      reading: { meterWh: minute * 10, measuredAt },
    };
  }
}

function* heartbeats(terminalId: string, from: string, count: number) {
  for (let i = 1; i <= count; i++) {
    yield {
      type: 'ReportTerminalHealth' as const,
      now: at(from, i),
      eventId: `seed-${terminalId}-${i}`,
      reportType: 'heartbeat' as const,
      occurredAt: at(from, i),
      readings: {},
      offlineAfterMs: 3_600_000,
    };
  }
}

interface Row {
  figure: string;
  baseline: number;
  gateway: number;
  ratio: number;
  unit: string;
  baselineLabel: string;
  gatewayLabel: string;
}

/** Phase 1, the whole gateway: a tariff, two active charges (the CPMS simulator starts them), two terminals. */
const prepare = async (dataDir: string) => {
  const h = await startChargingHarness({ EDGEPAY_DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'FULL' });
  try {
    await h.putTariff('bench-energy', energyTariff);
    const charges = [];
    for (const station of ['BENCH-SHORT', 'BENCH-LONG']) {
      const intent = await h.authorizedIntent(500_000);
      const started = await h.start({
        paymentIntentId: intent,
        tariffId: 'bench-energy',
        stationId: station,
        connectorId: '1',
      });
      const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
      charges.push({ id: active.id as string, activatedAt: active.activatedAt as string });
    }
    const operator = await h.api.issueKey({ merchantId: 'mer_test', scopes: OPERATOR_SCOPES });
    const terminals = [];
    for (const serial of ['BENCH-QUIET', 'BENCH-BUSY']) {
      const { terminal, apiKey } = await registerTerminal(h.api, operator, serial);
      terminals.push({ id: terminal.id as string, apiKey });
    }
    return { chargeKey: h.key, charges, terminals, now: h.clock.now().toISOString() };
  } finally {
    await h.close();
  }
};

const main = async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-bench-history-'));
  try {
    const prepared = await prepare(dataDir);
    const [shortCharge, longCharge] = prepared.charges as [
      { id: string; activatedAt: string },
      { id: string; activatedAt: string },
    ];
    const [quiet, busy] = prepared.terminals as [
      { id: string; apiKey: string },
      { id: string; apiKey: string },
    ];

    const seedStarted = performance.now();
    const store = createEventStore({ url: `sqlite:${path.join(dataDir, 'edgepay.sqlite')}`, dataDir });
    await seed(store, chargeSessionAggregate, shortCharge.id, readings(shortCharge.activatedAt, 1, SHORT));
    await seed(
      store,
      chargeSessionAggregate,
      longCharge.id,
      readings(longCharge.activatedAt, 1, LONG_CHARGE),
    );
    await seed(store, terminalAggregate, quiet.id, heartbeats(quiet.id, prepared.now, SHORT));
    await seed(store, terminalAggregate, busy.id, heartbeats(busy.id, prepared.now, LONG_TERMINAL));
    await store.close();
    log(
      `seeded ${SHORT}/${LONG_CHARGE} readings and ${SHORT}/${LONG_TERMINAL} heartbeats in ${Math.round(performance.now() - seedStarted)} ms`,
    );

    // Phase 2, what is measured: the api and projector roles, as the api container runs them.
    const clock = new ManualClock(new Date(at(prepared.now, LONG_TERMINAL + 10 * ROUNDS * SAMPLES + 10)));
    const config = loadConfig({
      EDGEPAY_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      SQLITE_SYNCHRONOUS: 'FULL',
      RATE_LIMIT_PER_MINUTE: '100000000',
    });
    const gateway = await startGateway({
      config,
      logger: silentLogger(),
      roles: ['api', 'projector'],
      clock,
    });
    try {
      const head = await gateway.infrastructure.eventStore.headPosition();
      if (head !== undefined && !(await gateway.projector?.waitForPosition(head, 120_000)))
        throw new Error('the read models did not catch up');
      const request = async (method: string, requestPath: string, key: string, body: unknown) => {
        const response = await fetch(`${gateway.url as string}${requestPath}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: await response.text() };
      };
      const minutes = new Map<string, number>([
        [shortCharge.id, SHORT],
        [longCharge.id, LONG_CHARGE],
      ]);
      const nextReading = (charge: { id: string; activatedAt: string }) => {
        const minute = (minutes.get(charge.id) as number) + 1;
        minutes.set(charge.id, minute);
        const measuredAt = at(charge.activatedAt, minute);
        return request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, prepared.chargeKey, {
          meterWh: minute * 10,
          measuredAt,
        });
      };
      let beat = 0;
      const heartbeat = (terminal: { id: string; apiKey: string }) => {
        beat += 1;
        return request('POST', `/v1/terminals/${terminal.id}/health-events`, terminal.apiKey, {
          eventId: `bench-${beat}`,
          type: 'heartbeat',
          occurredAt: at(prepared.now, LONG_TERMINAL + beat),
        });
      };
      // Untimed warm-up: the first command on each stream folds it once into the handler's cache.
      await timed(() => nextReading(shortCharge));
      await timed(() => nextReading(longCharge));
      await timed(() => heartbeat(quiet));
      await timed(() => heartbeat(busy));

      const samples = {
        shortCharge: [] as number[],
        longCharge: [] as number[],
        quiet: [] as number[],
        busy: [] as number[],
      };
      for (let round = 1; round <= ROUNDS; round++) {
        for (let i = 0; i < SAMPLES; i++)
          samples.shortCharge.push(await timed(() => nextReading(shortCharge)));
        for (let i = 0; i < SAMPLES; i++) samples.longCharge.push(await timed(() => nextReading(longCharge)));
        for (let i = 0; i < SAMPLES; i++) samples.quiet.push(await timed(() => heartbeat(quiet)));
        for (let i = 0; i < SAMPLES; i++) samples.busy.push(await timed(() => heartbeat(busy)));
        log(
          `round ${round}: progress ${median(samples.shortCharge).toFixed(2)} vs ${median(samples.longCharge).toFixed(2)} ms, ` +
            `heartbeat ${median(samples.quiet).toFixed(2)} vs ${median(samples.busy).toFixed(2)} ms (running medians)`,
        );
      }
      const row = (
        figure: string,
        baselineLabel: string,
        base: number[],
        gatewayLabel: string,
        measured: number[],
      ): Row => {
        const baseline = median(base);
        const measuredMedian = median(measured);
        return {
          figure,
          baselineLabel,
          baseline: Number(baseline.toFixed(3)),
          gatewayLabel,
          gateway: Number(measuredMedian.toFixed(3)),
          ratio: Number((measuredMedian / baseline).toFixed(3)),
          unit: 'ms (median latency)',
        };
      };
      const rows = [
        row(
          `PUT /progress latency, reading ${LONG_CHARGE} vs ${SHORT}`,
          `reading ${SHORT}`,
          samples.shortCharge,
          `reading ${LONG_CHARGE}`,
          samples.longCharge,
        ),
        row(
          `heartbeat latency, after ${LONG_TERMINAL} vs ${SHORT} heartbeats`,
          `after ${SHORT}`,
          samples.quiet,
          `after ${LONG_TERMINAL}`,
          samples.busy,
        ),
      ];
      if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify({ rows })}\n`);
      else {
        log('');
        for (const r of rows)
          log(
            `${r.figure}: ${r.baselineLabel} ${r.baseline} ms, ${r.gatewayLabel} ${r.gateway} ms, ratio ${r.ratio}x`,
          );
      }
    } finally {
      await gateway.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
