import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { snapshotReadModels, type ReadModelSnapshot } from '../../src/audit/replay';
import type { CliContext } from '../../src/cli/audit/cli-context';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startChargingHarness, CHARGING_SCOPES } from '../http/adhoc-charges.fixtures';
import { OPERATOR_SCOPES, registerTerminal } from '../http/terminals.fixtures';
import { WEBHOOK_SCOPES, subscribe } from '../http/webhooks.fixtures';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver } from '../support/webhook-receiver';

export const auditKeyPem = generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

export interface RecordedGatewayHistory {
  dir: string;
  /** The gateway's SQLite event store, closed. */
  file: string;
  /** The gateway's own read models, taken when it had projected every event of `file`. */
  live: ReadModelSnapshot;
  eventCount: number;
}

/**
 * A realistic history written through the HTTP API as the HTTP specs do: a charge from authorization to
 * capture, a payment captured in part, a voided one, a terminal registered, webhooks delivered.
 */
export const recordGatewayHistory = async (): Promise<RecordedGatewayHistory> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgepay-audit-'));
  const file = path.join(dir, 'history.sqlite');
  const receiver = await startWebhookReceiver();
  const h = await startChargingHarness({
    EVENTSTORE_URL: `sqlite:${file}`,
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    AUDIT_SIGNING_KEY: auditKeyPem,
  });
  try {
    const { api } = h;
    const operator = await api.issueKey({
      scopes: [...OPERATOR_SCOPES, ...WEBHOOK_SCOPES, ...CHARGING_SCOPES],
    });
    await subscribe(api, operator, receiver.url, ['payment_intent.*', 'charge.*']);
    await registerTerminal(api, operator, 'SN-AUDIT-1');
    await h.putTariff('standard');

    const chargeIntent = await h.authorizedIntent(40_000);
    const started = await h.start({
      paymentIntentId: chargeIntent,
      tariffId: 'standard',
      stationId: 'IST-AUDIT',
      connectorId: '1',
    });
    const active = await h.waitForCharge(started.id, (charge) => charge.status === 'active');
    assert.equal((await h.reading(active, 10, 4_000)).status, 200);
    h.clock.set(new Date(Date.parse(active.activatedAt) + 20 * 60_000));
    const completed = await h.complete(started.id, {
      reading: { meterWh: 8_000, measuredAt: h.clock.now().toISOString() },
    });
    assert.equal(completed.status, 200, JSON.stringify(completed.body));

    const partial = await h.authorizedIntent(15_000);
    const capture = await api.request('POST', `/v1/payment-intents/${partial}/capture`, {
      key: h.key,
      body: { amount: 9_050 },
    });
    assert.equal(capture.status, 200, JSON.stringify(capture.body));
    const voided = await h.authorizedIntent(5_000);
    const voiding = await api.request('POST', `/v1/payment-intents/${voided}/void`, { key: h.key, body: {} });
    assert.equal(voiding.status, 200, JSON.stringify(voiding.body));

    await h.waitForCharge(started.id, (charge) => charge.status === 'completed');
    await waitUntil(() => receiver.received.length >= 8, {
      message: 'webhooks delivered',
      timeoutMs: 15_000,
    });
    const { eventStore, readStore } = api.gateway.infrastructure;
    // Quiet: the projector has applied the head and nothing was appended while the read models were copied.
    let live: ReadModelSnapshot;
    let head: bigint | undefined;
    do {
      await waitUntil(
        async () => {
          const types = (await api.allEvents()).map((e) => e.type);
          const count = (type: string) => types.filter((t) => t === type).length;
          return count('WebhookDeliveryAttempted') >= count('WebhookDeliveryScheduled');
        },
        { message: 'every delivery attempt recorded', timeoutMs: 15_000 },
      );
      head = await eventStore.headPosition();
      assert.ok(await api.gateway.projector!.waitForPosition(head!, 10_000));
      live = await snapshotReadModels(readStore);
    } while ((await eventStore.headPosition()) !== head);
    const eventCount = (await api.allEvents()).length;
    return { dir, file, live, eventCount };
  } finally {
    await h.close();
    await receiver.close();
  }
};

/** A copy of the recorded store, for one tampering. */
export const copyStore = (history: RecordedGatewayHistory, name: string): string => {
  const target = path.join(history.dir, `${name}.sqlite`);
  copyFileSync(history.file, target);
  return target;
};

/** Edits the SQLite file directly, as someone with disk access could. */
export const tamper = (file: string, edit: (db: Database.Database) => void): void => {
  const db = new Database(file);
  try {
    db.transaction(() => edit(db))();
  } finally {
    db.close();
  }
};

export const cliContextFor = (
  dir: string,
  file: string,
): CliContext & { output: string[]; errors: string[] } => {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    config: loadConfig({
      EDGEPAY_DATA_DIR: dir,
      EVENTSTORE_URL: `sqlite:${file}`,
      AUDIT_SIGNING_KEY: auditKeyPem,
    }),
    logger: silentLogger(),
    out: (text) => output.push(text),
    err: { isTTY: false, write: (text: string) => errors.push(text) },
    output,
    errors,
  };
};
