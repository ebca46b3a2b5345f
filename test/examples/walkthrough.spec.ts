import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_ROOT_FILE } from '../../examples/attestation/demo-attestation-authority';
import { runWalkthrough, WALKTHROUGH_SCOPES, WALKTHROUGH_STEPS } from '../../examples/walkthrough';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startGateway, type Gateway } from '../../src/runtime/gateway';
import { eventually } from '../support/eventually';

const ROOT = path.resolve(__dirname, '../..');

/** The README's environment for the walk-through, and nothing from the caller's. */
const walkthroughEnvironment = (dataDir: string): Record<string, string> => ({
  EDGEPAY_DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'error',
  ATTESTATION_TRUSTED_ROOTS_FILE: DEMO_ROOT_FILE,
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  // Faster than the defaults (2 s, 1 s) so the charge turns active sooner; the flow is the same.
  CPMS_POLL_INTERVAL_MS: '100',
  CHARGE_SWEEP_INTERVAL_MS: '100',
});

/** `npm run -s edgepay -- keys create ...`, as the README runs it (without npm's own start-up). */
const createKeyWithTheCli = async (env: Record<string, string>): Promise<string> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--require',
      'tsx/cjs',
      'src/cli/edgepay.ts',
      'keys',
      'create',
      '--merchant',
      'mer_demo',
      '--scopes',
      WALKTHROUGH_SCOPES.join(' '),
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
  );
  return (JSON.parse(stdout) as { key: string }).key;
};

describe('examples/walkthrough.ts against a booted gateway (embedded default)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let gateway: Gateway;
  let env: Record<string, string>;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-walkthrough-'));
    env = walkthroughEnvironment(dataDir);
    gateway = await startGateway({
      config: loadConfig(env),
      logger: silentLogger(),
      roles: ['api', 'projector', 'worker'],
      validateResponses: true,
    });
  });
  after(async () => {
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every step: payments, webhooks, an attested terminal, a tariff and a charge to capture', async () => {
    const baseUrl = gateway.url as string;
    const apiKey = await createKeyWithTheCli(env);
    // The key is written to the event store by another process; the gateway sees it once projected.
    await eventually(async () => {
      const answer = await fetch(`${baseUrl}/v1/tariffs`, { headers: { 'x-api-key': apiKey } });
      assert.equal(answer.status, 200);
    });
    const lines: string[] = [];
    const result = await runWalkthrough({ baseUrl, apiKey, print: (line) => lines.push(line) });

    assert.equal(lines.length, WALKTHROUGH_STEPS.length, lines.join('\n'));
    assert.equal(result.paymentIntent.status, 'captured');
    assert.equal(result.paymentIntent.amountCaptured, 9_250);
    assert.equal(result.paymentIntent.amountReleased, 5_750);
    assert.equal(result.attestation.status, 'trusted', JSON.stringify(result.attestation.verdict));
    assert.equal(result.charge.status, 'completed');
    assert.equal(result.chargeIntent.amountCaptured, 11_111);
    assert.equal(result.chargeIntent.amountReleased, 8_889);
    const types = new Set(result.webhooks.map((delivery) => delivery.event.type));
    for (const type of ['payment_intent.captured', 'charge.completed', 'terminal.attested']) {
      assert.ok(types.has(type), `no verified ${type} delivery`);
    }
  });

  it('is the walk-through the README shows, step by step', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- walkthrough-steps -->([\s\S]*?)<!-- \/walkthrough-steps -->/.exec(readme)?.[1];
    assert.ok(section, 'README.md has no walkthrough-steps section');
    const shown = [...section.matchAll(/^\d+\. (.+)$/gm)].map((match) => match[1]);
    assert.deepEqual(shown, [...WALKTHROUGH_STEPS]);
    assert.ok(readme.includes(WALKTHROUGH_SCOPES.join(' ')), 'README.md does not show the scopes it needs');
  });
});
