/**
 * API key authentication, side by side in one run: trusting the api_keys read model alone, against also
 * reading the key's own stream from the SQLite event store (what the embedded default does so that a
 * revocation from `edgepay keys revoke` counts at once; docs/decisions/0013).
 *
 *   npx tsx bench/api-key-auth.bench.ts [--json]
 *
 * Method: one SQLite event store (FULL sync) holding BENCH_KEYS keys, their api_keys documents in the
 * in-memory read store; each round authenticates BENCH_CALLS random keys with each variant, the variants
 * alternating which goes first; BENCH_ROUNDS rounds; the result is the median microseconds per call of
 * each, and their ratio. In process, no HTTP: this isolates the authenticator's own cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../src/commands/api-keys/api-key.service';
import { systemContext } from '../src/commands/command-context';
import { apiKeyAuthenticator } from '../src/http/auth/api-key-authenticator';
import { systemClock } from '../src/infrastructure/clock';
import { createEventStore } from '../src/infrastructure/event-store/create-event-store';
import { MemoryReadStore } from '../src/infrastructure/read-store/memory-read-store';
import { apiKeyProjection, type ApiKeyDocument } from '../src/projections/api-keys/api-key.projection';
import { intEnv, median, note, printRows } from './support/rows';

const KEYS = intEnv('BENCH_KEYS', 1000);
const CALLS = intEnv('BENCH_CALLS', 20_000);
const ROUNDS = intEnv('BENCH_ROUNDS', 7);

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgepay-auth-bench-'));
  const eventStore = createEventStore({ dataDir: dir, synchronous: 'FULL' });
  const readStore = new MemoryReadStore();
  const keys: string[] = [];
  for (let index = 0; index < KEYS; index++) {
    const issued = await issueApiKey(
      { eventStore, clock: systemClock },
      { name: 'bench', merchantId: 'mer_bench', scopes: ['payments:read'], environment: 'test' },
      systemContext('bench'),
    );
    keys.push(issued.key);
  }
  // The projection's own indexes (the unique prefix index among them), as the projector creates them.
  for (const index of apiKeyProjection.indexes ?? []) {
    await readStore.collection<ApiKeyDocument>('api_keys').createIndex(index);
  }
  for (const event of await eventStore.readAll({ limit: KEYS * 2 })) {
    const id = apiKeyProjection.documentId(event);
    const collection = readStore.collection<ApiKeyDocument>('api_keys');
    const doc = apiKeyProjection.evolve(id ? await collection.findOne({ _id: id }) : null, event);
    if (doc) await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }
  const catchUp = async () => undefined;
  const variants = {
    readModel: apiKeyAuthenticator({ readStore, eventStore, catchUp, confirmFromStream: false }),
    readModelAndStream: apiKeyAuthenticator({ readStore, eventStore, catchUp, confirmFromStream: true }),
  };
  const results: Record<keyof typeof variants, number[]> = { readModel: [], readModelAndStream: [] };
  const order = Object.keys(variants) as (keyof typeof variants)[];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? order : [...order].reverse()) {
      const authenticate = variants[name];
      const started = performance.now();
      for (let call = 0; call < CALLS; call++) await authenticate(keys[call % KEYS] as string);
      const microsPerCall = ((performance.now() - started) * 1000) / CALLS;
      results[name].push(microsPerCall);
      note(`round ${round + 1} ${name}: ${microsPerCall.toFixed(1)} µs per call`);
    }
  }
  const readModel = median(results.readModel);
  const withStream = median(results.readModelAndStream);
  printRows([
    {
      figure: 'API-key check, in process, µs per call',
      baseline: `read model alone ${readModel.toFixed(1)} µs`,
      gateway: `read model + key stream head ${withStream.toFixed(1)} µs`,
      ratio: `${(withStream / readModel).toFixed(2)}x`,
    },
  ]);
  await eventStore.close();
  rmSync(dir, { recursive: true, force: true });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
