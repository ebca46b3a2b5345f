/**
 * Instructions per GET under callgrind, for a VM whose perf has no hardware counters (command-path.bench.ts
 * counts them with `perf stat` where it can). Each target (bench/target-server.ts) runs under
 * `valgrind --tool=callgrind` with collection off; after a warm-up, collection is switched on for a fixed
 * number of GETs (8 connections), then off, and the total divides by the requests served. Callgrind counts
 * the instructions of every thread of the target (JIT and GC included), not the kernel's (the socket calls).
 * Single runs vary by about 3 % here, where rates move by 10 % or more between rounds. Time does not follow
 * instructions exactly (cache misses), so this compares code, not the issue's rate targets.
 *
 *   npx tsx bench/get-instructions.bench.ts
 *
 * Knobs (environment): BENCH_GETS (2000), BENCH_WARMUP_GETS (6000), BENCH_TARGETS (bare,gateway).
 * Takes about a minute per target; needs valgrind (Debian's package).
 *
 * `BENCH_WHAT=commands` counts the gateway's instructions per create+authorize+capture flow instead (the
 * command bench's flow, each request with its own Idempotency-Key, 8 flows at a time): BENCH_FLOWS (300)
 * after BENCH_WARMUP_FLOWS (300). The bare route has no flow to compare with, so it is not run.
 */
import autocannon from 'autocannon';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUTHORIZE_BODY, CAPTURE_BODY, CREATE_BODY } from './support/payment-flow';
import { ensureProductionBuild } from './support/production-build';
import { gatewayNodeFlags } from './support/production-flags';
import type { ReadyMessage } from './target-server';
import { intEnv } from './support/rows';

const GETS = intEnv('BENCH_GETS', 2000);
const WARMUP_GETS = intEnv('BENCH_WARMUP_GETS', 6000);
const FLOWS = intEnv('BENCH_FLOWS', 300);
const WARMUP_FLOWS = intEnv('BENCH_WARMUP_FLOWS', 300);
const WHAT = process.env.BENCH_WHAT ?? 'get';
if (WHAT !== 'get' && WHAT !== 'commands') throw new Error('BENCH_WHAT must be get or commands');
type TargetName = 'bare' | 'gateway';
const TARGETS = (process.env.BENCH_TARGETS ?? (WHAT === 'get' ? 'bare,gateway' : 'gateway'))
  .split(',')
  .map((name) => name.trim());
for (const name of TARGETS) {
  if (name !== 'bare' && name !== 'gateway') throw new Error(`unknown target ${name}`);
}

const startUnderCallgrind = (name: TargetName, outDir: string) =>
  new Promise<{ child: ChildProcess; ready: ReadyMessage }>((resolve, reject) => {
    const child = fork(
      path.join(__dirname, 'target-server.ts'),
      name === 'bare' ? ['bare'] : ['gateway', 'FULL'],
      {
        execPath: 'valgrind',
        execArgv: [
          '--tool=callgrind',
          '-q',
          '--instr-atstart=no',
          // V8 writes and rewrites its code: callgrind must notice, or it runs stale translations.
          '--smc-check=all-non-file',
          `--callgrind-out-file=${path.join(outDir, `${name}.%p`)}`,
          process.execPath,
          ...(name === 'bare' ? [] : gatewayNodeFlags()),
          '--require',
          'tsx/cjs',
        ],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    child.on('message', (message: ReadyMessage) => {
      if (message.type === 'ready') resolve({ child, ready: message });
    });
  });

/** The GET each target answers: the bare route, or one payment intent created for it. */
const getOf = async (name: TargetName, ready: ReadyMessage) => {
  if (name === 'bare') return { path: '/bare/bench', headers: { 'content-type': 'application/json' } };
  const headers = { 'content-type': 'application/json', 'x-api-key': ready.apiKey as string };
  const created = await fetch(`${ready.url}/v1/payment-intents`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': 'bench-get-instructions' },
    body: JSON.stringify({ amount: 10_000, paymentMethodType: 'card_present', terminalId: 'trm_bench' }),
  });
  if (created.status !== 201) throw new Error(`creating the intent answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  return { path: `/v1/payment-intents/${id}`, headers };
};

/** `count` create+authorize+capture flows, 8 at a time, each request with its own Idempotency-Key. */
const runFlows = async (ready: ReadyMessage, count: number, label: string): Promise<void> => {
  const headers = { 'content-type': 'application/json', 'x-api-key': ready.apiKey as string };
  const post = async (route: string, key: string, body: string, status: number): Promise<{ id: string }> => {
    const answer = await fetch(`${ready.url}${route}`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': key },
      body,
    });
    if (answer.status !== status)
      throw new Error(`${route} answered ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as { id: string };
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const { id } = await post('/v1/payment-intents', `${label}-create-${n}`, CREATE_BODY, 201);
      await post(`/v1/payment-intents/${id}/authorize`, `${label}-auth-${n}`, AUTHORIZE_BODY, 200);
      await post(`/v1/payment-intents/${id}/capture`, `${label}-cap-${n}`, CAPTURE_BODY, 200);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
};

const measureFlows = async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'edgepay-callgrind-flows-'));
  const { child, ready } = await startUnderCallgrind('gateway', outDir);
  try {
    await runFlows(ready, WARMUP_FLOWS, 'warm-up');
    const pid = String(child.pid);
    execFileSync('callgrind_control', ['--instr=on', pid], { stdio: 'ignore' });
    await runFlows(ready, FLOWS, 'measured');
    execFileSync('callgrind_control', ['--instr=off', pid], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    return totalInstructions(outDir, 'gateway') / FLOWS;
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    rmSync(outDir, { recursive: true, force: true });
  }
};

const totalInstructions = (outDir: string, name: TargetName): number => {
  let total = 0;
  for (const file of readdirSync(outDir).filter((entry) => entry.startsWith(`${name}.`))) {
    const match = /^totals: (\d+)/m.exec(readFileSync(path.join(outDir, file), 'utf8'));
    if (match) total = Math.max(total, Number(match[1]));
  }
  return total;
};

const measure = async (name: TargetName) => {
  const outDir = mkdtempSync(path.join(tmpdir(), `edgepay-callgrind-${name}-`));
  const { child, ready } = await startUnderCallgrind(name, outDir);
  try {
    const get = await getOf(name, ready);
    const load = (amount: number) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          { url: ready.url, connections: 8, amount, requests: [{ method: 'GET', ...get }] },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      );
    await load(WARMUP_GETS);
    const pid = String(child.pid);
    execFileSync('callgrind_control', ['--instr=on', pid], { stdio: 'ignore' });
    const result = await load(GETS);
    execFileSync('callgrind_control', ['--instr=off', pid], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    const failed = result.non2xx + result.errors;
    if (failed > 0) throw new Error(`${name}: ${failed} GETs failed`);
    return {
      name,
      requests: result.requests.total,
      perGet: totalInstructions(outDir, name) / result.requests.total,
    };
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    rmSync(outDir, { recursive: true, force: true });
  }
};

const main = async () => {
  if (TARGETS.includes('gateway')) ensureProductionBuild();
  if (WHAT === 'commands') {
    const perFlow = await measureFlows();
    console.log(`gateway: ${Math.round(perFlow)} instructions per create+authorize+capture (${FLOWS} flows)`);
    return;
  }
  const rows = [];
  for (const name of TARGETS as TargetName[]) {
    const row = await measure(name);
    console.log(`${name}: ${Math.round(row.perGet)} instructions per GET (${row.requests} GETs)`);
    rows.push(row);
  }
  const bare = rows.find((row) => row.name === 'bare');
  const gateway = rows.find((row) => row.name === 'gateway');
  if (bare && gateway) console.log(`bare / gateway: ${(bare.perGet / gateway.perGet).toFixed(3)}`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
